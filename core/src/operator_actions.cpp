#include "bookbot/core/operator_actions.hpp"

#include "bookbot/core/messages.hpp"
#include "flow_views.hpp"

namespace bookbot::core {
namespace {

// A plain message from the business into a conversation: outbox and history.
void Tell(UnitOfWork& unit, const SessionKey& key, const std::string& chat_id,
          const std::string& text, TimePoint now) {
    Reply reply;
    reply.text = text;
    unit.Enqueue(key.platform, chat_id, EncodeReply(reply), now);
    unit.AppendMessage(key, Direction::kOut, text, now);
}

}  // namespace

OperatorActions::CancelResult OperatorActions::CancelBooking(std::int64_t booking_id) {
    CancelResult result;
    RunWithRetry(store_, [&](UnitOfWork& unit) {
        const TimePoint now = clock_.Now();
        result = {};
        result.booking = unit.FindBooking(booking_id);
        if (!result.booking) return;
        if (!unit.CancelBooking(booking_id, now)) {
            result.outcome = Outcome::kAlreadyDone;
            return;
        }
        auto values = FlowViews(business_, unit, now).Describe(*result.booking);
        values["business"] = business_.name;
        result.notice = business_.Text("cancelled_by_business", values);
        Tell(unit, result.booking->customer, result.booking->chat_id, result.notice, now);
        result.outcome = Outcome::kDone;
    });
    return result;
}

OperatorActions::ResolveResult OperatorActions::ResolveFlag(std::int64_t flag_id,
                                                            const std::string& reply) {
    ResolveResult result;
    RunWithRetry(store_, [&](UnitOfWork& unit) {
        const TimePoint now = clock_.Now();
        result = {};
        result.flag = unit.FindFlag(flag_id);
        if (!result.flag) return;
        if (!unit.ResolveFlag(flag_id, now)) {
            result.outcome = Outcome::kAlreadyDone;
            return;
        }
        const HumanFlag& flag = *result.flag;
        if (!reply.empty()) Tell(unit, flag.key, flag.chat_id, reply, now);
        // The "human" step only says "a person will answer": leave it, or the
        // next stale button would say so again.
        if (auto session = unit.LoadSession(flag.key, now).session;
            session && session->context["step"] == "human") {
            session->ClearStepHistory();
            session->context = {{"step", "menu"}};
            unit.SaveSession(*session, now, business_.session_ttl);
            result.back_to_menu = true;
        }
        result.outcome = Outcome::kDone;
    });
    return result;
}

}  // namespace bookbot::core
