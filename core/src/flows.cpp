// The conversations: menu, book, my bookings, reschedule, cancel, back, person.
// State lives in the session's context ("step" plus the choices so far); each
// step is rendered from that state alone, so "back", a stale button and a
// resumed conversation all show the same thing.

#include "bookbot/core/flows.hpp"

#include <charconv>

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
        if (in_.expired) {
            ToMenu(s_);
            Notice(b_.Text("timed_out"));
            if (in_.kind == Inbound::Kind::kText && IsStart(in_.text)) return Greet();
            return Show();
        }
        if (in_.slot_taken) {
            // The step before "confirm" is the time list.
            s_.PopStep();
            Notice(b_.Text("slot_taken"));
            return Show();
        }
        switch (in_.kind) {
            case Inbound::Kind::kUnsupported:
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
    static bool IsStart(const std::string& text) { return text == "/start" || text == "/menu"; }

    std::vector<Reply> Greet() {
        ToMenu(s_);
        Notice(b_.Text("greeting", {{"business", b_.name}}));
        return Show(false);
    }

    std::vector<Reply> OnText() {
        if (IsStart(in_.text)) return Greet();
        if (unit_.OpenFlag(s_.key)) return {};  // a person answers; the bot keeps quiet
        if (in_.text == "/help") {
            Notice(b_.Text("help"));
            return Show();
        }
        ToMenu(s_);
        Notice(b_.Text("not_understood"));
        return Show();
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
        // Concurrent confirmations of one time read the same free chairs; the
        // store tries them in order, so losing one chair to another customer
        // means trying the next, not refusing. A pass that fails found every
        // chair it tried held by a unit that has committed since, which the
        // next read sees: at most one pass per chair, then the time is full.
        std::optional<PlacedBooking> placed;
        for (int pass = 0; !placed && pass <= b_.rules.resources; ++pass) {
            const std::vector<int> free = views_.FreeResourcesAt(*service, booking.starts_at);
            if (free.empty()) throw SlotTaken();
            placed = unit_.InsertBookingOnFirstFree(booking, free, cells, in_.now);
        }
        if (!placed) throw SlotTaken();
        booking.resource = placed->resource;
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

std::vector<Reply> RunFlow(const Business& business, Session& session, const FlowInput& input,
                           UnitOfWork& unit) {
    if (session.context["step"].empty()) session.context["step"] = "menu";
    return Flow(business, session, input, unit).Run();
}

}  // namespace bookbot::core
