#include "bookbot/core/business.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace bookbot::core {

const Texts& DefaultTexts() {
    static const Texts kTexts = {
        {"greeting", "Hello! I am the booking assistant of {business}. What would you like to do?"},
        {"help",
         "I can book an appointment, show or change your bookings, or put you through to a "
         "person. Use the buttons; \"Back\" returns to the previous step."},
        {"menu", "What would you like to do?"},
        {"menu_book", "Book an appointment"},
        {"menu_mine", "My bookings"},
        {"menu_human", "Talk to a person"},
        {"not_understood", "Sorry, I did not understand that."},
        {"unsupported", "Sorry, I can only read text and button presses."},
        {"timed_out", "Your previous step timed out, so we are starting over."},
        {"stale", "That button belongs to an earlier message. Here is where we are:"},
        {"pick_service", "Which service would you like?"},
        {"pick_day", "Which day suits you for {service}?"},
        {"no_days", "Sorry, there are no free times for {service} in the coming days."},
        {"pick_time", "Which time on {day}?"},
        {"slot_taken", "Sorry, that time was just taken. Please pick another one."},
        {"confirm", "Book {service} on {day} at {time}?"},
        {"confirm_reschedule", "Move {service} to {day} at {time}?"},
        {"booked", "Booked: {service} on {day} at {time}. See you then!"},
        {"rescheduled", "Moved: {service} is now on {day} at {time}."},
        {"no_bookings", "You have no upcoming bookings."},
        {"your_bookings", "Your upcoming bookings:"},
        {"manage", "{service} on {day} at {time}. What would you like to do?"},
        {"reschedule", "Reschedule"},
        {"cancel_booking", "Cancel this booking"},
        {"confirm_cancel", "Cancel {service} on {day} at {time}?"},
        {"cancelled", "Cancelled: {service} on {day} at {time}."},
        {"cancelled_by_business",
         "Sorry, {business} had to cancel your booking: {service} on {day} at {time}. Please "
         "book another time, or write to us."},
        {"too_late", "Sorry, this booking can no longer be changed here: it is too close."},
        {"gone", "That booking no longer exists."},
        {"human_flagged",
         "Thank you. A person will answer you here as soon as possible. Anything you write now "
         "goes to them."},
        {"slot_passed", "Sorry, that time is no longer available. Please pick another one."},
        // Descriptions in the platform's command menu (Telegram: 1 to 256 characters).
        {"command_start", "Greeting and main menu"},
        {"command_book", "Book an appointment"},
        {"command_bookings", "My bookings"},
        {"command_cancel", "Leave the current step, back to the menu"},
        {"command_help", "What I can do"},
        {"reminder", "Reminder: {service} on {day} at {time}."},
        {"reminder_ok", "See you then"},
        {"see_you", "Great, see you on {day} at {time}!"},
        {"already_cancelled", "That booking was already cancelled."},
        {"main_menu", "Main menu"},
        {"handoff_closed", "The person has closed this conversation. How else can I help?"},
        {"link_ok", "This chat is now a staff chat of {business}."},
        {"link_invalid", "That code is not valid or has expired."},
        {"staff_booked", "New booking: {service} on {day} at {time} for {customer}."},
        {"staff_rescheduled", "Moved by {customer}: {service} is now on {day} at {time}."},
        {"staff_cancelled", "Cancelled by {customer}: {service} on {day} at {time}."},
        {"staff_cancelled_by_business",
         "Cancelled by the business: {service} on {day} at {time} ({customer}); they were told."},
        {"staff_handoff", "{customer} asks for a person. Last messages:\n{messages}"},
        {"staff_forward", "{customer}: {text}"},
        {"staff_reply", "Reply"},
        {"staff_done", "Done"},
        {"staff_replying", "Your next messages go to {customer}. /done closes the hand-off."},
        {"staff_sent", "Sent to {customer}."},
        {"staff_closed", "That hand-off is already closed."},
        {"staff_resolved", "Hand-off with {customer} closed; they are back at the menu."},
        {"staff_agenda", "Bookings on {day}:"},
        {"staff_agenda_empty", "No bookings on {day}."},
        {"staff_no_flags", "No open hand-offs."},
        {"staff_not_found", "No confirmed booking with id {id}."},
        {"staff_help",
         "Staff commands: /today, /tomorrow, /bookings YYYY-MM-DD, /flags, /cancel_booking ID, "
         "/done (while replying)."},
        {"yes", "Yes"},
        {"back", "« Back"},
        {"cancel", "Cancel"},
        {"next", "Next »"},
        {"previous", "« Previous"},
    };
    return kTexts;
}

const Service* Business::FindService(std::string_view id) const {
    for (const auto& s : services) {
        if (s.id == id) return &s;
    }
    return nullptr;
}

std::string Business::Text(std::string_view key,
                           const std::map<std::string, std::string>& values) const {
    auto it = texts.find(key);
    std::string text = it != texts.end() ? it->second : std::string(key);
    for (const auto& [placeholder_name, value] : values) {
        const std::string placeholder = "{" + placeholder_name + "}";
        for (std::size_t pos = text.find(placeholder); pos != std::string::npos;
             pos = text.find(placeholder, pos + value.size())) {
            text.replace(pos, placeholder.size(), value);
        }
    }
    return text;
}

void Validate(const Business& business) {
    Validate(business.rules);
    if (business.services.empty()) {
        throw std::invalid_argument("business: at least one service is needed");
    }
    std::set<std::string> ids;
    for (const auto& s : business.services) {
        if (s.id.empty() || s.id.size() > 32 ||
            s.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
            throw std::invalid_argument("service id '" + s.id +
                                        "': use 1 to 32 of a-z, 0-9, '_' and '-'");
        }
        if (!ids.insert(s.id).second) {
            throw std::invalid_argument("service id '" + s.id + "' is used twice");
        }
        if (s.name.empty()) throw std::invalid_argument("service '" + s.id + "' has no name");
        if (s.duration.count() < 1 || s.duration.count() > 1440) {
            throw std::invalid_argument("service '" + s.id +
                                        "': duration must be 1 to 1440 minutes");
        }
    }
    if (business.session_ttl.count() <= 0) {
        throw std::invalid_argument("session TTL must be positive");
    }
    if (business.change_cutoff.count() < 0) {
        throw std::invalid_argument("change cut-off must not be negative");
    }
    for (const auto& [key, text] : business.texts) {
        if (!DefaultTexts().contains(key)) {
            throw std::invalid_argument("unknown text '" + key + "'");
        }
        // Telegram's setMyCommands refuses the whole menu otherwise.
        const auto characters = std::count_if(text.begin(), text.end(), [](char c) {
            return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a UTF-8 continuation
        });
        if (key.starts_with("command_") && (characters < 1 || characters > 256)) {
            throw std::invalid_argument("text '" + key + "' must be 1 to 256 characters");
        }
    }
}

Business DemoBusiness() {
    Business b;
    b.name = "Barber Demo";
    b.rules.time_zone = "Europe/Berlin";
    const std::vector<OpeningRange> weekday = {{9 * 60, 12 * 60}, {13 * 60, 18 * 60}};
    for (int d = 0; d < 5; ++d) b.rules.weekly_hours[d] = weekday;
    b.rules.weekly_hours[5] = {{10 * 60, 14 * 60}};
    b.rules.slot_step = std::chrono::minutes(15);
    b.rules.horizon_days = 14;
    b.rules.minimum_notice = std::chrono::minutes(60);
    b.rules.resources = 2;
    b.services = {{"cut", "Haircut", std::chrono::minutes(30), "25 EUR"},
                  {"beard", "Beard trim", std::chrono::minutes(15), "12 EUR"},
                  {"full", "Cut and beard", std::chrono::minutes(45), "33 EUR"}};
    return b;
}

}  // namespace bookbot::core
