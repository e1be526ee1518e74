#include "bookbot/core/reminders.hpp"

#include "bookbot/core/flows.hpp"
#include "flow_views.hpp"

namespace bookbot::core {

int ScheduleReminders(const Business& business, UnitOfWork& unit, const Booking& booking,
                      TimePoint now) {
    if (business.reminders_off.contains(booking.customer.platform)) return 0;
    int added = 0;
    for (const std::chrono::hours lead : business.reminder_leads) {
        const TimePoint due = booking.starts_at - lead;
        if (due <= now) continue;  // it would go out late, or say what was just said
        if (unit.AddReminder(booking.id, lead, due, now)) ++added;
    }
    return added;
}

Reply ReminderReply(const Business& business, const Booking& booking) {
    const auto values = DescribeBooking(business, booking);
    Reply reply;
    reply.text = business.Text("reminder", values);
    reply.keyboard = {{{business.Text("reminder_ok"), ReminderAction("ok", booking.id)}},
                      {{business.Text("reschedule"), ReminderAction("rs", booking.id)},
                       {business.Text("cancel"), ReminderAction("cx", booking.id)}}};
    if (const auto it = business.reminder_templates.find(booking.customer.platform);
        it != business.reminder_templates.end()) {
        reply.template_message = it->second;
        reply.template_message.params = {values.at("service"), values.at("day"), values.at("time")};
    }
    return reply;
}

ReminderRound SendDueReminders(Store& store, const Business& business, const Clock& clock,
                               std::int64_t limit) {
    ReminderRound round;
    RunWithRetry(store, [&](UnitOfWork& unit) {
        const TimePoint now = clock.Now();
        round = {};
        const std::vector<Reminder> due = unit.TakeDueReminders(now, limit);
        round.full = static_cast<std::int64_t>(due.size()) >= limit;
        for (const Reminder& reminder : due) {
            const std::optional<Booking> booking = unit.FindBooking(reminder.booking_id);
            if (!booking || booking->status != BookingStatus::kConfirmed ||
                booking->starts_at <= now ||
                business.reminders_off.contains(booking->customer.platform)) {
                ++round.skipped;
                continue;
            }
            const Reply reply = ReminderReply(business, *booking);
            unit.Enqueue(booking->customer.platform, booking->chat_id, EncodeReply(reply), now);
            unit.AppendMessage(booking->customer, Direction::kOut, reply.text, now);
            ++round.sent;
        }
        round.next_due = unit.NextReminderDue();
    });
    return round;
}

}  // namespace bookbot::core
