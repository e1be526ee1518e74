// The conversations: menu, book, my bookings, reschedule, cancel, back, person.
// State lives in the session's context ("step" plus the choices so far); each
// step is rendered from that state alone, so "back", a stale button and a
// resumed conversation all show the same thing.

#include "bookbot/core/flows.hpp"

#include <charconv>
#include <functional>

#include "bookbot/core/commands.hpp"
#include "bookbot/core/reminders.hpp"
#include "bookbot/core/staff.hpp"
#include "flow_views.hpp"

namespace bookbot::core {
namespace {

std::optional<std::int64_t> ToInt(std::string_view s) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// "verb:arg" → {verb, arg}.
std::pair<std::string, std::string> SplitAction(const std::string& action) {
    const auto colon = action.find(':');
    if (colon == std::string::npos) return {action, ""};
    return {action.substr(0, colon), action.substr(colon + 1)};
}

void ToMenu(Session& s) {
    s.ClearStepHistory();
    s.context = {{"step", "menu"}};
}

// Moves to a new step, remembering the current one for "back".
void Advance(Session& s, const std::string& step, const Context& add = {}) {
    s.PushStep();
    s.context["step"] = step;
    s.context.erase("page");
    for (const auto& [k, v] : add) s.context[k] = v;
}

class Flow {
public:
    Flow(const Business& business, Session& session, const FlowInput& input, UnitOfWork& unit)
        : b_(business), s_(session), in_(input), views_(business, unit, input.now), unit_(unit) {}

    std::vector<Reply> Run() {
        if (in_.kind == Inbound::Kind::kButton && IsReminderAction(in_.action)) {
            return OnReminder();  // valid whatever the session: checked against the booking
        }
        if (in_.expired) return Expired();
        if (in_.slot_taken) {
            // The step before "confirm" is the time list.
            s_.PopStep();
            Notice(b_.Text("slot_taken"));
            return Show();
        }
        switch (in_.kind) {
            case Inbound::Kind::kUnsupported:
                if (in_.first_contact) return Greet();
                Notice(b_.Text("unsupported"));
                return Show();
            case Inbound::Kind::kText:
                return OnText();
            case Inbound::Kind::kButton:
                if (in_.stale) return Stale();
                return OnAction();
        }
        return Show();
    }

private:
    // The session timed out: back to the menu, saying so.
    std::vector<Reply> Expired() {
        ToMenu(s_);
        if (in_.kind != Inbound::Kind::kText) {
            Notice(b_.Text("timed_out"));
            return Show();
        }
        const std::optional<CustomerCommand> command = ParseCustomerCommand(in_.text);
        // A person may still be answering: the words go on to them, as in OnText.
        if (!HandOffCommand(in_.text) && ForwardedToPerson()) return {};
        Notice(b_.Text("timed_out"));
        if (command) return OnCommand(*command);
        return Show();
    }

    std::vector<Reply> Greet() {
        ToMenu(s_);
        Notice(b_.Text("greeting", {{"business", b_.name}}));
        return Show(false);
    }

    // While a hand-off is open, the customer's text goes to the staff chats
    // and the bot keeps quiet (the engine keeps the session and the history,
    // as for any step). False: no open hand-off.
    bool ForwardedToPerson() {
        const auto flag = unit_.OpenFlag(s_.key);
        if (!flag) return false;
        ForwardToStaff(b_, unit_, flag->id, in_.customer, in_.text, in_.now);
        return true;
    }

    std::vector<Reply> OnText() {
        const std::optional<CustomerCommand> command = ParseCustomerCommand(in_.text);
        // "/start", "/book", "/bookings", "/cancel" move the customer, as the
        // menu's buttons do, also while a person has the conversation; "/help"
        // and bare words ("book") are then text for that person.
        if (const auto moving = HandOffCommand(in_.text)) return OnCommand(*moving);
        if (in_.first_contact && !command) return Greet();
        if (ForwardedToPerson()) return {};  // a person answers; the bot keeps quiet
        if (command) return OnCommand(*command);
        ToMenu(s_);
        Notice(b_.Text("not_understood"));
        return Show();
    }

    // The one place customers' commands act (core/commands.hpp says which
    // texts are commands).
    std::vector<Reply> OnCommand(CustomerCommand command) {
        switch (command) {
            case CustomerCommand::kStart:
                return Greet();
            case CustomerCommand::kBook:
                ToMenu(s_);
                Advance(s_, "service", {{"flow", "book"}});
                break;
            case CustomerCommand::kBookings:
                ToMenu(s_);
                Advance(s_, "mine");
                break;
            case CustomerCommand::kCancel:
                ToMenu(s_);
                break;
            case CustomerCommand::kHelp:
                Notice(b_.Text("help"));
                break;
        }
        return Show();
    }

    // The time the customer is confirming moved inside the minimum notice (or
    // into the past) while they sat on "Yes": say so (not "just taken"), and
    // show the day's times again. Checked before anything is written.
    std::vector<Reply> SlotPassed() {
        s_.PopStep();  // the step before "confirm" is the time list
        Notice(b_.Text("slot_passed"));
        return Show();
    }

    // Same rule as the free slots (schedule.cpp): a start needs the notice.
    bool TooSoon(std::int64_t start_ms) const {
        return FromEpochMillis(start_ms) < in_.now + b_.rules.minimum_notice;
    }

    std::vector<Reply> Stale() {
        Notice(b_.Text("stale"));
        return Show();
    }

    std::vector<Reply> OnAction() {
        const auto [verb, arg] = SplitAction(in_.action);
        const std::string step = s_.context["step"];
        if (verb == "menu" || verb == "cancel") {
            ToMenu(s_);
        } else if (verb == "back") {
            if (!s_.PopStep()) ToMenu(s_);
        } else if (verb == "pg" && ToInt(arg)) {
            s_.context["page"] = arg;
        } else if (verb == "book" && step == "menu") {
            Advance(s_, "service", {{"flow", "book"}});
        } else if (verb == "mine" && step == "menu") {
            Advance(s_, "mine");
        } else if (verb == "human" && step == "menu") {
            const std::int64_t flag =
                unit_.FlagForHuman(s_.key, s_.chat_id, "asked for a person", in_.now);
            NotifyHandOff(b_, unit_, flag, s_.key, in_.customer, in_.now);
            ToMenu(s_);
            s_.context["step"] = "human";
            return {Reply::Plain(b_.Text("human_flagged"))};
        } else if (verb == "svc" && step == "service" && b_.FindService(arg)) {
            Advance(s_, "day", {{"service", arg}});
        } else if (verb == "day" && step == "day" && LocalDate::Parse(arg)) {
            Advance(s_, "time", {{"day", arg}});
        } else if (verb == "slot" && step == "time") {
            const auto [ms, resource] = SplitAction(arg);
            if (!ToInt(ms) || !ToInt(resource)) return Stale();
            if (!IsFreeSlot(*ToInt(ms))) {
                // Taken since the list was shown, or never offered (a forged payload).
                Notice(b_.Text("slot_taken"));
                return Show();
            }
            Advance(s_, "confirm", {{"slot", ms}, {"resource", resource}});
        } else if (verb == "bk" && step == "mine" && IsOwnBooking(arg)) {
            Advance(s_, "manage", {{"booking", arg}});
        } else if ((verb == "rs" || verb == "cx") && step == "manage") {
            return StartChange(verb);
        } else if (verb == "ok" && step == "confirm") {
            return Confirm();
        } else if (verb == "ok" && step == "cancel_confirm") {
            return ConfirmCancel();
        } else {
            return Stale();  // a button that does not fit the current step
        }
        return Show();
    }

    // True iff `start_ms` is a free time of the chosen service now. Checks the
    // booking window first, so no out-of-range instant reaches the date math.
    bool IsFreeSlot(std::int64_t start_ms) {
        const Service* service = b_.FindService(s_.context["service"]);
        const UtcInterval window = BookingWindow(b_.rules, in_.now);
        const TimePoint start = FromEpochMillis(start_ms);
        if (!service || start < window.begin || start >= window.end) return false;
        return views_.FindFreeSlot(*service, start).has_value();
    }

    // Only the customer's own bookings may be opened: a forged "bk:<id>" must
    // not show someone else's.
    bool IsOwnBooking(const std::string& id) {
        const auto n = ToInt(id);
        const std::optional<Booking> booking = n ? unit_.FindBooking(*n) : std::nullopt;
        return booking && booking->customer == s_.key;
    }

    // The booking a manage/cancel/reschedule step is about, if it is still the
    // customer's, confirmed and changeable; otherwise says why and returns nullopt.
    std::optional<Booking> ChangeableBooking() {
        const auto id = ToInt(s_.context["booking"]);
        std::optional<Booking> booking = id ? unit_.FindBooking(*id) : std::nullopt;
        if (!booking || booking->customer != s_.key ||
            booking->status != BookingStatus::kConfirmed) {
            ToMenu(s_);
            Notice(b_.Text("gone"));
            return std::nullopt;
        }
        if (booking->starts_at - b_.change_cutoff <= in_.now) {
            ToMenu(s_);
            Notice(b_.Text("too_late"));
            return std::nullopt;
        }
        return booking;
    }

    // A reminder's button: "rm:ok:<id>" acknowledges, "rm:rs:<id>" and
    // "rm:cx:<id>" enter the reschedule and cancel flows for that booking,
    // from the menu, as "My bookings" would.
    std::vector<Reply> OnReminder() {
        const auto [verb, id] = SplitAction(SplitAction(in_.action).second);
        ToMenu(s_);
        const auto n = ToInt(id);
        const std::optional<Booking> booking = n ? unit_.FindBooking(*n) : std::nullopt;
        if (!booking || booking->customer != s_.key) {
            Notice(b_.Text("gone"));
        } else if (booking->status == BookingStatus::kCancelled) {
            Notice(b_.Text("already_cancelled"));
        } else if (booking->starts_at <= in_.now) {
            Notice(b_.Text("too_late"));
        } else if (verb == "ok") {
            Notice(b_.Text("see_you", views_.Describe(*booking)));
        } else {
            s_.context["booking"] = id;
            return StartChange(verb == "cx" ? "cx" : "rs");
        }
        return Show();
    }

    std::vector<Reply> StartChange(const std::string& verb) {
        const auto booking = ChangeableBooking();
        if (!booking) return Show();
        if (verb == "rs") {
            Advance(s_, "day", {{"flow", "reschedule"}, {"service", booking->service_id}});
        } else {
            Advance(s_, "cancel_confirm");
        }
        return Show();
    }

    std::vector<Reply> Confirm() {
        const Service* service = b_.FindService(s_.context["service"]);
        const auto start = ToInt(s_.context["slot"]);
        if (!service || !start) return Stale();
        if (TooSoon(*start)) return SlotPassed();
        std::optional<Booking> old;
        if (s_.context["flow"] == "reschedule") {
            old = ChangeableBooking();
            if (!old) return Show();
            unit_.CancelBooking(old->id, in_.now);
        }
        Booking booking;
        booking.customer = s_.key;
        booking.chat_id = s_.chat_id;
        booking.service_id = service->id;
        booking.starts_at = FromEpochMillis(*start);
        booking.ends_at = booking.starts_at + service->duration;
        const auto cells = CellsFor(booking.starts_at, service->duration, b_.rules.slot_step);
        if (!views_.IsScheduled(*service, booking.starts_at)) throw SlotTaken();
        // Racers for one time should not all go for the same chair: each
        // customer starts at its own resource (a hash of who it is). The first
        // try reads nothing and takes that resource if it is free; otherwise
        // free ones are read (the first few going round from there) and tried
        // in that order, so losing one chair to another customer means trying
        // the next, not refusing. A pass that fails found every chair it tried
        // held by a unit that has committed since, which the next read sees:
        // at most one pass per chair, then the time is full (the read says
        // so: it comes back empty only when no chair is free).
        const std::size_t spread =
            std::hash<std::string>{}(s_.key.platform + '\n' + s_.key.user_id);
        const int guess = static_cast<int>(spread % static_cast<std::size_t>(b_.rules.resources));
        std::optional<PlacedBooking> placed =
            unit_.InsertBookingOnFirstFree(booking, {guess}, cells, in_.now);
        for (int pass = 0; !placed && pass <= b_.rules.resources; ++pass) {
            const std::vector<int> free =
                views_.FreeResourcesAt(*service, booking.starts_at, spread);
            if (free.empty()) throw SlotTaken();
            placed = unit_.InsertBookingOnFirstFree(booking, free, cells, in_.now);
        }
        if (!placed) throw SlotTaken();
        booking.resource = placed->resource;
        booking.id = placed->id;
        ScheduleReminders(b_, unit_, booking, in_.now);
        ToMenu(s_);
        Notice(b_.Text(old ? "rescheduled" : "booked", views_.Describe(booking)));
        TellStaff(old ? "staff_rescheduled" : "staff_booked", booking);
        return Show();
    }

    std::vector<Reply> ConfirmCancel() {
        const auto booking = ChangeableBooking();
        if (!booking) return Show();
        unit_.CancelBooking(booking->id, in_.now);
        ToMenu(s_);
        Notice(b_.Text("cancelled", views_.Describe(*booking)));
        TellStaff("staff_cancelled", *booking);
        return Show();
    }

    // A staff notification of what the customer just did to `booking`.
    void TellStaff(std::string_view key, const Booking& booking) {
        auto values = views_.Describe(booking);
        values["customer"] = in_.customer;
        NotifyStaff(b_, unit_, Reply::Plain(b_.Text(key, values)), in_.now);
    }

    void Notice(std::string text) { notices_.push_back(std::move(text)); }

    // The notices so far, then the current step's message.
    std::vector<Reply> Show(bool separate = true) {
        Reply view = views_.Render(s_);
        std::vector<Reply> out;
        std::string above;  // notices over the view, in the order they were given
        for (auto& n : notices_) {
            if (separate) {
                out.push_back(Reply::Plain(std::move(n)));
            } else {
                above += n + "\n\n";
            }
        }
        // A greeting that already ends with the step's question ("… What
        // would you like to do?") is not followed by it a second time.
        const std::string_view joined = std::string_view(above).substr(0, above.size() - 2);
        if (!above.empty() && !view.text.empty() && joined.ends_with(view.text)) {
            view.text = std::string(joined);
        } else {
            view.text = above + view.text;
        }
        out.push_back(std::move(view));
        return out;
    }

    const Business& b_;
    Session& s_;
    const FlowInput& in_;
    FlowViews views_;
    UnitOfWork& unit_;
    std::vector<std::string> notices_;
};

}  // namespace

bool IsReminderAction(std::string_view action) {
    for (std::string_view verb : {"rm:ok:", "rm:rs:", "rm:cx:"}) {
        if (action.starts_with(verb)) return action.size() > verb.size();
    }
    return false;
}

std::string ReminderAction(std::string_view verb, std::int64_t booking_id) {
    return "rm:" + std::string(verb) + ":" + std::to_string(booking_id);
}

std::vector<Reply> RunFlow(const Business& business, Session& session, const FlowInput& input,
                           UnitOfWork& unit) {
    if (session.context["step"].empty()) session.context["step"] = "menu";
    return Flow(business, session, input, unit).Run();
}

}  // namespace bookbot::core
