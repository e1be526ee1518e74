// Staff chats: notifications, the staff router and the daily agenda.
//
// Hand-off replies use a "Reply" button rather than Telegram's reply-to: the
// button puts the staff member's own session at "replying to flag N", and
// their next texts go to that customer. That needs no record of which
// platform message id went where (the outbox knows only its own ids), works
// the same on WhatsApp, and survives restarts because it is session state.

#include "bookbot/core/staff.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "bookbot/core/engine.hpp"
#include "bookbot/core/operator_actions.hpp"
#include "flow_views.hpp"

namespace bookbot::core {
namespace {

constexpr std::int64_t kHandOffMessages = 5;
constexpr const char* kReplyAction = "staff:reply:";
constexpr const char* kDoneAction = "staff:done:";

std::optional<std::int64_t> ToId(std::string_view s) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// The action of a button payload, without any "<version>|" stamp.
std::string ButtonAction(const std::string& payload) {
    const auto bar = payload.find('|');
    return bar == std::string::npos ? payload : payload.substr(bar + 1);
}

std::vector<std::vector<Button>> FlagButtons(const Business& b, std::int64_t flag_id) {
    const std::string id = std::to_string(flag_id);
    return {{{b.Text("staff_reply"), kReplyAction + id}, {b.Text("staff_done"), kDoneAction + id}}};
}

// One staff member's message in a staff chat.
class StaffDesk {
public:
    StaffDesk(const Business& b, UnitOfWork& unit, const Inbound& in, TimePoint now)
        : b_(b), unit_(unit), in_(in), now_(now), key_{in.platform, in.user_id} {
        const SessionLookup lookup = unit_.LoadSession(key_, now_);
        if (lookup.session) session_ = *lookup.session;
        session_.key = key_;
        session_.chat_id = in.chat_id;
    }

    std::vector<Reply> Run() {
        const bool handled = in_.kind == Inbound::Kind::kButton
                                 ? OnButton(ButtonAction(in_.payload))
                             : in_.kind == Inbound::Kind::kText ? OnText(in_.payload)
                                                                : false;
        if (!handled) Say(Reply::Plain(b_.Text("staff_help")));
        return std::move(out_);
    }

private:
    bool OnButton(const std::string& action) {
        const auto id_after = [&](std::string_view prefix) {
            return action.starts_with(prefix) ? ToId(action.substr(prefix.size())) : std::nullopt;
        };
        if (const auto id = id_after(kReplyAction)) {
            StartReplying(*id);
        } else if (const auto done = id_after(kDoneAction)) {
            Done(*done);
        } else {
            return false;
        }
        return true;
    }

    // False: not a staff command (the help is shown).
    bool OnText(const std::string& text) {
        const auto space = text.find(' ');
        const std::string command = text.substr(0, space);
        const std::string arg = space == std::string::npos ? "" : text.substr(space + 1);
        const LocalDate today = LocalDateAt(b_.rules.time_zone, now_);
        if (command == "/today") {
            Say(AgendaReply(b_, unit_, today, now_));
        } else if (command == "/tomorrow") {
            Say(AgendaReply(b_, unit_, AddDays(today, 1), now_));
        } else if (command == "/bookings" && LocalDate::Parse(arg)) {
            Say(AgendaReply(b_, unit_, *LocalDate::Parse(arg), now_));
        } else if (command == "/flags") {
            ListFlags();
        } else if (command == "/cancel_booking" && ToId(arg)) {
            CancelBooking(*ToId(arg));
        } else if (command == "/done" && ReplyingTo()) {
            Done(*ReplyingTo());
        } else if (!command.starts_with('/') && ReplyingTo()) {
            Relay(*ReplyingTo(), text);
        } else {
            return false;
        }
        return true;
    }

    std::optional<std::int64_t> ReplyingTo() {
        if (session_.context["step"] != "staff_reply") return std::nullopt;
        return ToId(session_.context["flag"]);
    }

    void SetReplying(std::optional<std::int64_t> flag_id) {
        session_.context = {{"step", flag_id ? "staff_reply" : "staff"}};
        if (flag_id) session_.context["flag"] = std::to_string(*flag_id);
        unit_.SaveSession(session_, now_, b_.session_ttl);
    }

    void StartReplying(std::int64_t flag_id) {
        const auto flag = unit_.FindFlag(flag_id);
        if (!flag || flag->resolved_at) {
            Say(Reply::Plain(b_.Text("staff_closed")));
            return;
        }
        SetReplying(flag_id);
        Say(Reply::Plain(b_.Text("staff_replying", {{"customer", Label(*flag)}})));
    }

    // A staff member's text to the customer of `flag_id`, from the bot.
    void Relay(std::int64_t flag_id, const std::string& text) {
        const auto flag = unit_.FindFlag(flag_id);
        if (!flag || flag->resolved_at) {
            SetReplying(std::nullopt);
            Say(Reply::Plain(b_.Text("staff_closed")));
            return;
        }
        unit_.Enqueue(flag->key.platform, flag->chat_id, EncodeReply(Reply::Plain(text)), now_);
        unit_.AppendMessage(flag->key, Direction::kOut, text, now_);
        Say(Reply::Plain(b_.Text("staff_sent", {{"customer", Label(*flag)}})));
    }

    // Resolves the flag as `bookbot flags resolve` does; the customer gets the
    // menu back. A second Done only says it is closed.
    void Done(std::int64_t flag_id) {
        if (ReplyingTo() == flag_id) SetReplying(std::nullopt);
        const auto result = OperatorActions::ResolveFlagIn(unit_, b_, flag_id, "", now_);
        if (result.outcome != OperatorActions::Outcome::kDone) {
            Say(Reply::Plain(b_.Text("staff_closed")));
            return;
        }
        const HumanFlag& flag = *result.found;
        if (auto session = unit_.LoadSession(flag.key, now_).session) {
            Reply menu = FlowViews(b_, unit_, now_).Render(*session);
            menu.text = b_.Text("handoff_closed");
            for (auto& row : menu.keyboard) {
                for (Button& button : row) {
                    button.payload = Engine::StampPayload(session->version, button.payload);
                }
            }
            unit_.Enqueue(flag.key.platform, flag.chat_id, EncodeReply(menu), now_);
            unit_.AppendMessage(flag.key, Direction::kOut, menu.text, now_);
        }
        Say(Reply::Plain(b_.Text("staff_resolved", {{"customer", Label(flag)}})));
    }

    void ListFlags() {
        const auto flags = unit_.ListOpenFlags(20);
        if (flags.empty()) Say(Reply::Plain(b_.Text("staff_no_flags")));
        for (const HumanFlag& flag : flags) {
            Reply r;
            r.text = "#" + std::to_string(flag.id) + " " + Label(flag) + " · " + flag.reason;
            r.keyboard = FlagButtons(b_, flag.id);
            Say(std::move(r));
        }
    }

    void CancelBooking(std::int64_t booking_id) {
        const auto result = OperatorActions::CancelBookingIn(unit_, b_, booking_id, now_);
        // Done: every staff chat, this one included, got the cancellation notice.
        if (result.outcome != OperatorActions::Outcome::kDone) {
            Say(Reply::Plain(b_.Text("staff_not_found", {{"id", std::to_string(booking_id)}})));
        }
    }

    std::string Label(const HumanFlag& flag) { return CustomerLabel(flag.key, ""); }

    void Say(Reply reply) {
        unit_.Enqueue(in_.platform, in_.chat_id, EncodeReply(reply), now_);
        out_.push_back(std::move(reply));
    }

    const Business& b_;
    UnitOfWork& unit_;
    const Inbound& in_;
    const TimePoint now_;
    const SessionKey key_;
    Session session_;
    std::vector<Reply> out_;
};

std::vector<Reply> Link(const Business& b, UnitOfWork& unit, const Inbound& in, TimePoint now) {
    // As typed: surrounding spaces and lower case are forgiven (`bookbot staff link` prints
    // upper case).
    const std::string_view rest =
        std::string_view(in.payload).substr(std::string_view("/link ").size());
    const auto first = rest.find_first_not_of(" \t\r\n");
    std::string code;
    if (first != std::string_view::npos) {
        code = rest.substr(first, rest.find_last_not_of(" \t\r\n") - first + 1);
    }
    std::transform(code.begin(), code.end(), code.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const bool ok = unit.UseLinkCode(code, now);
    if (ok) unit.AddStaffChat(in.platform, in.chat_id, now);
    Reply reply =
        Reply::Plain(ok ? b.Text("link_ok", {{"business", b.name}}) : b.Text("link_invalid"));
    unit.Enqueue(in.platform, in.chat_id, EncodeReply(reply), now);
    return {std::move(reply)};
}

}  // namespace

std::vector<std::pair<std::string, std::string>> StaffChats(const Business& business,
                                                            UnitOfWork& unit) {
    std::vector<std::pair<std::string, std::string>> chats;
    const auto add = [&](const std::string& platform, const std::string& chat_id) {
        const std::pair<std::string, std::string> chat{platform, chat_id};
        if (std::find(chats.begin(), chats.end(), chat) == chats.end()) chats.push_back(chat);
    };
    for (const auto& [platform, ids] : business.staff.chats) {
        for (const std::string& id : ids) add(platform, id);
    }
    for (const StaffChat& chat : unit.ListStaffChats()) add(chat.platform, chat.chat_id);
    return chats;
}

std::size_t NotifyStaff(const Business& business, UnitOfWork& unit, const Reply& reply,
                        TimePoint now) {
    const std::string body = EncodeReply(reply);
    const auto chats = StaffChats(business, unit);
    for (const auto& [platform, chat_id] : chats) unit.Enqueue(platform, chat_id, body, now);
    return chats.size();
}

std::string CustomerLabel(const SessionKey& key, const std::string& display_name) {
    if (!display_name.empty()) return display_name;
    return key.platform + " user " + key.user_id;
}

void NotifyHandOff(const Business& business, UnitOfWork& unit, std::int64_t flag_id,
                   const SessionKey& key, const std::string& customer, TimePoint now) {
    std::string messages;
    for (const ConversationMessage& m : unit.RecentMessages(key, kHandOffMessages)) {
        messages += (m.direction == Direction::kIn ? "› " : "‹ ") + m.text + "\n";
    }
    Reply reply;
    reply.text = business.Text("staff_handoff", {{"customer", customer}, {"messages", messages}});
    reply.keyboard = FlagButtons(business, flag_id);
    NotifyStaff(business, unit, reply, now);
}

void ForwardToStaff(const Business& business, UnitOfWork& unit, std::int64_t flag_id,
                    const std::string& customer, const std::string& text, TimePoint now) {
    Reply forward;
    forward.text = business.Text("staff_forward", {{"customer", customer}, {"text", text}});
    forward.keyboard = FlagButtons(business, flag_id);
    NotifyStaff(business, unit, forward, now);
}

bool IsStaffLink(const Inbound& in) {
    return in.kind == Inbound::Kind::kText && in.payload.starts_with("/link ");
}

bool StaffDirectory::IsStaff(const Business& business, UnitOfWork& unit,
                             const std::string& platform, const std::string& chat_id,
                             TimePoint now) {
    if (const auto listed = business.staff.chats.find(platform);
        listed != business.staff.chats.end() &&
        std::find(listed->second.begin(), listed->second.end(), chat_id) != listed->second.end()) {
        return true;
    }
    std::uint64_t generation = 0;
    {
        const std::lock_guard lock(mutex_);
        // A clock that went back also reloads.
        if (loaded_at_ && now >= *loaded_at_ && now < *loaded_at_ + kRefresh) {
            return enrolled_.contains({platform, chat_id});
        }
        generation = generation_;
    }
    // Read outside the lock: other updates keep using the cache meanwhile.
    std::set<std::pair<std::string, std::string>> enrolled;
    for (StaffChat& chat : unit.ListStaffChats()) {
        enrolled.emplace(std::move(chat.platform), std::move(chat.chat_id));
    }
    const bool staff = enrolled.contains({platform, chat_id});
    const std::lock_guard lock(mutex_);
    // An Invalidate() since the read began: the read may predate that change.
    if (generation == generation_) {
        enrolled_ = std::move(enrolled);
        loaded_at_ = now;
    }
    return staff;
}

void StaffDirectory::Invalidate() {
    const std::lock_guard lock(mutex_);
    ++generation_;
    loaded_at_.reset();
}

std::optional<std::vector<Reply>> RouteStaffTraffic(const Business& business,
                                                    StaffDirectory& directory, UnitOfWork& unit,
                                                    const Inbound& in, TimePoint now) {
    if (IsStaffLink(in)) return Link(business, unit, in, now);
    if (directory.IsStaff(business, unit, in.platform, in.chat_id, now)) {
        return StaffDesk(business, unit, in, now).Run();
    }
    return std::nullopt;
}

Reply AgendaReply(const Business& business, UnitOfWork& unit, LocalDate day, TimePoint now) {
    const std::string& zone = business.rules.time_zone;
    const auto bookings =
        unit.BookingsBetween(StartOfLocalDay(zone, day), StartOfLocalDay(zone, AddDays(day, 1)));
    FlowViews views(business, unit, now);
    const std::string day_label = day.ToString();
    Reply reply = Reply::Plain(business.Text(
        bookings.empty() ? "staff_agenda_empty" : "staff_agenda", {{"day", day_label}}));
    for (const Booking& booking : bookings) {
        const auto d = views.Describe(booking);
        reply.text += "\n" + d.at("time") + " " + d.at("service") + " · " +
                      CustomerLabel(booking.customer, "") + " (#" + std::to_string(booking.id) +
                      ")";
    }
    return reply;
}

std::string_view ToString(AgendaOutcome outcome) {
    switch (outcome) {
        case AgendaOutcome::kNotDue:
            return "not_due";
        case AgendaOutcome::kNoStaff:
            return "no_staff";
        case AgendaOutcome::kAlreadySent:
            return "already_sent";
        case AgendaOutcome::kSent:
            return "sent";
    }
    return "unknown";
}

AgendaOutcome SendDailyAgendaIfDue(Store& store, const Business& business, TimePoint now) {
    if (!business.staff.agenda_minute) return AgendaOutcome::kNotDue;
    const std::string& zone = business.rules.time_zone;
    const LocalDate today = LocalDateAt(zone, now);
    const auto since_midnight = now - StartOfLocalDay(zone, today);
    if (since_midnight < std::chrono::minutes(*business.staff.agenda_minute)) {
        return AgendaOutcome::kNotDue;
    }
    AgendaOutcome outcome = AgendaOutcome::kNotDue;
    RunWithRetry(store, [&](UnitOfWork& unit) {
        outcome = AgendaOutcome::kNoStaff;
        if (StaffChats(business, unit).empty()) return;
        outcome = AgendaOutcome::kAlreadySent;
        if (!unit.RecordInbound("staff", "agenda:" + today.ToString(), now)) return;
        NotifyStaff(business, unit, AgendaReply(business, unit, today, now), now);
        outcome = AgendaOutcome::kSent;
    });
    return outcome;
}

}  // namespace bookbot::core
