#pragma once

// Reminders before bookings: due work in the store (UnitOfWork::AddReminder,
// TakeDueReminders), written in the unit that places the booking and sent by
// a due-work loop that takes and enqueues them in one unit.

#include <cstdint>
#include <optional>

#include "bookbot/core/business.hpp"
#include "bookbot/core/clock.hpp"
#include "bookbot/core/messages.hpp"
#include "bookbot/core/records.hpp"
#include "bookbot/core/store.hpp"

namespace bookbot::core {

// Adds the reminders of `booking` (placed in this unit, id set): one per
// business.reminder_leads whose due time is still ahead of `now` (a booking
// made 3 h ahead gets no 24 h reminder), none when the booking's platform is
// in business.reminders_off. Returns how many it added.
int ScheduleReminders(const Business& business, UnitOfWork& unit, const Booking& booking,
                      TimePoint now);

// The reminder of `booking`: the service and the time in the business's zone,
// buttons "See you then", "Reschedule", "Cancel" (ReminderAction payloads),
// and the platform's template from business.reminder_templates, if any, with
// the service, day and time as its body parameters.
Reply ReminderReply(const Business& business, const Booking& booking);

// What one round of the due-work loop did.
struct ReminderRound {
    int sent = 0;       // enqueued to the customer
    int skipped = 0;    // taken but not sent: the booking is gone, cancelled or under way
    bool full = false;  // took `limit`: more may be due right away
    std::optional<TimePoint> next_due;  // the earliest pending reminder left
};

// One unit (run again on a conflict): takes up to `limit` due reminders,
// re-reads each booking and, if it is still confirmed and ahead, enqueues its
// reminder to the customer's chat (and the conversation history). A reminder
// is sent at most once across every instance sharing the store, also after a
// crash: taking it and enqueueing it commit together.
ReminderRound SendDueReminders(Store& store, const Business& business, const Clock& clock,
                               std::int64_t limit = 50);

}  // namespace bookbot::core
