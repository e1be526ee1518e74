#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/messages.hpp"
#include "bookbot/core/schedule.hpp"

namespace bookbot::core {

// One bookable service.
struct Service {
    std::string id;    // stable, [a-z0-9_-]{1,32}: it travels in button payloads
    std::string name;  // what the customer sees
    std::chrono::minutes duration{30};
    std::string price;  // optional display text, e.g. "25 EUR"
};

// Everything the bot says, keyed by a stable name ("greeting", "menu_book", …).
// Defaults are English; configuration may override any of them. Texts may hold
// {placeholders} that the flows fill in (see DefaultTexts for which).
using Texts = std::map<std::string, std::string, std::less<>>;

// The built-in English texts; every key a flow uses is here.
const Texts& DefaultTexts();

// Who acts for the business in chats (configuration [staff]). A chat listed
// here, or enrolled at run time (UnitOfWork::AddStaffChat), is staff: it gets
// notifications and may use staff commands. Any other chat is a customer.
struct StaffSettings {
    // Chat ids per platform ("telegram": {"123", …}, "whatsapp": {"4915…"}).
    std::map<std::string, std::vector<std::string>, std::less<>> chats;
    // Local time of day (minutes after midnight) of the daily agenda; none: off.
    std::optional<int> agenda_minute;
};

// The business the bot books for: what the configuration file describes.
struct Business {
    std::string name = "bookbot demo";
    ScheduleRules rules;
    std::vector<Service> services;
    // Changes (cancel, reschedule) are refused this long before the start.
    std::chrono::minutes change_cutoff{120};
    Millis session_ttl{std::chrono::minutes(30)};
    Texts texts = DefaultTexts();  // overrides merged over the defaults
    StaffSettings staff;
    // The most buttons one reply may carry, per platform ("whatsapp": 10),
    // as each platform declares it; lists page to it instead of losing a
    // choice. A platform not named here has no limit. Set by the composition
    // root, not by the configuration file.
    std::map<std::string, std::size_t, std::less<>> max_choices;
    // A reminder goes out this long before each booking, one per entry
    // (configuration `[reminders] lead_hours`; empty: no reminders).
    std::vector<std::chrono::hours> reminder_leads{std::chrono::hours(24)};
    // Per platform that needs one, the approved message template a reminder
    // is sent as ("whatsapp": outside its 24-hour window only templates
    // go out). Set by the composition root.
    std::map<std::string, MessageTemplate, std::less<>> reminder_templates;
    // Platforms that cannot deliver reminders (WhatsApp without a template):
    // their bookings get none. Set by the composition root.
    std::set<std::string, std::less<>> reminders_off;

    const Service* FindService(std::string_view id) const;
    // The text for `key`, with each {name} replaced from `values`.
    std::string Text(std::string_view key,
                     const std::map<std::string, std::string>& values = {}) const;
};

// Throws std::invalid_argument naming what is wrong: no services, duplicate or
// malformed service ids, durations out of 1..1440 minutes, bad rules, a TTL of
// zero, a text key the bot does not know.
void Validate(const Business& business);

// A small demo business (a barber shop, Europe/Berlin, Mon–Sat), used by
// `bookbot chat` when no configuration file is given.
Business DemoBusiness();

}  // namespace bookbot::core
