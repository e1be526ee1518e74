#include "bookbot/core/operator_actions.hpp"

#include "bookbot/core/messages.hpp"
#include "flow_views.hpp"

namespace bookbot::core {
namespace {

// A plain message from the business into a conversation: outbox and history.
void Tell(UnitOfWork& unit, const SessionKey& key, const std::string& chat_id,
          const std::string& text, TimePoint now) {
    unit.Enqueue(key.platform, chat_id, EncodeReply(Reply::Plain(text)), now);
    unit.AppendMessage(key, Direction::kOut, text, now);
}

}  // namespace

OperatorActions::CancelResult OperatorActions::CancelBooking(std::int64_t booking_id) {
    return Act<CancelResult>(
        [&](UnitOfWork& unit) { return unit.FindBooking(booking_id); },
        [&](UnitOfWork& unit, TimePoint now) { return unit.CancelBooking(booking_id, now); },
        [&](UnitOfWork& unit, TimePoint now, CancelResult& result) {
            const Booking& booking = *result.found;
            auto values = FlowViews(business_, unit, now).Describe(booking);
            values["business"] = business_.name;
            result.notice = business_.Text("cancelled_by_business", values);
            Tell(unit, booking.customer, booking.chat_id, result.notice, now);
        });
}

OperatorActions::ResolveResult OperatorActions::ResolveFlag(std::int64_t flag_id,
                                                            const std::string& reply) {
    return Act<ResolveResult>(
        [&](UnitOfWork& unit) { return unit.FindFlag(flag_id); },
        [&](UnitOfWork& unit, TimePoint now) { return unit.ResolveFlag(flag_id, now); },
        [&](UnitOfWork& unit, TimePoint now, ResolveResult& result) {
            const HumanFlag& flag = *result.found;
            if (!reply.empty()) Tell(unit, flag.key, flag.chat_id, reply, now);
            // The "human" step only says "a person will answer": leave it, or
            // the next stale button would say so again.
            if (auto session = unit.LoadSession(flag.key, now).session;
                session && session->context["step"] == "human") {
                session->ClearStepHistory();
                session->context = {{"step", "menu"}};
                unit.SaveSession(*session, now, business_.session_ttl);
                result.back_to_menu = true;
            }
        });
}

}  // namespace bookbot::core
