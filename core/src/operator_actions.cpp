#include "bookbot/core/operator_actions.hpp"

#include "bookbot/core/messages.hpp"
#include "bookbot/core/staff.hpp"
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

OperatorActions::CancelResult OperatorActions::CancelBookingIn(UnitOfWork& unit,
                                                               const Business& business,
                                                               std::int64_t booking_id,
                                                               TimePoint now) {
    return ActIn<CancelResult>(
        unit, now, [&](UnitOfWork& u) { return u.FindBooking(booking_id); },
        [&](UnitOfWork& u, TimePoint t) { return u.CancelBooking(booking_id, t); },
        [&](UnitOfWork& u, TimePoint t, CancelResult& result) {
            const Booking& booking = *result.found;
            auto values = FlowViews(business, u, t).Describe(booking);
            values["business"] = business.name;
            result.notice = business.Text("cancelled_by_business", values);
            Tell(u, booking.customer, booking.chat_id, result.notice, t);
            values["customer"] = CustomerLabel(booking.customer, "");
            NotifyStaff(business, u,
                        Reply::Plain(business.Text("staff_cancelled_by_business", values)), t);
        });
}

OperatorActions::ResolveResult OperatorActions::ResolveFlagIn(UnitOfWork& unit,
                                                              const Business& business,
                                                              std::int64_t flag_id,
                                                              const std::string& reply,
                                                              TimePoint now) {
    return ActIn<ResolveResult>(
        unit, now, [&](UnitOfWork& u) { return u.FindFlag(flag_id); },
        [&](UnitOfWork& u, TimePoint t) { return u.ResolveFlag(flag_id, t); },
        [&](UnitOfWork& u, TimePoint t, ResolveResult& result) {
            const HumanFlag& flag = *result.found;
            if (!reply.empty()) Tell(u, flag.key, flag.chat_id, reply, t);
            // The "human" step only says "a person will answer": leave it, or
            // the next stale button would say so again.
            if (auto session = u.LoadSession(flag.key, t).session;
                session && session->context["step"] == "human") {
                session->ClearStepHistory();
                session->context = {{"step", "menu"}};
                u.SaveSession(*session, t, business.session_ttl);
                result.back_to_menu = true;
            }
        });
}

OperatorActions::CancelResult OperatorActions::CancelBooking(std::int64_t booking_id) {
    CancelResult result;
    RunWithRetry(store_, [&](UnitOfWork& unit) {
        result = CancelBookingIn(unit, business_, booking_id, clock_.Now());
    });
    return result;
}

OperatorActions::ResolveResult OperatorActions::ResolveFlag(std::int64_t flag_id,
                                                            const std::string& reply) {
    ResolveResult result;
    RunWithRetry(store_, [&](UnitOfWork& unit) {
        result = ResolveFlagIn(unit, business_, flag_id, reply, clock_.Now());
    });
    return result;
}

}  // namespace bookbot::core
