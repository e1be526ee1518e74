#pragma once

// The SQL of the store's reminders (UnitOfWork::AddReminder … RemindersOf),
// written once for both backends.

#include <cstdint>
#include <optional>
#include <vector>

#include "bookbot/core/records.hpp"
#include "sql_connection.hpp"

namespace bookbot::backends {

bool InsertReminder(SqlConnection& conn, std::int64_t id, std::int64_t booking_id,
                    core::Millis lead, core::TimePoint due_at, core::TimePoint now);
// Deletes the pending reminders of a booking (its cancellation).
void DeletePendingReminders(SqlConnection& conn, std::int64_t booking_id);
std::vector<core::Reminder> TakeDueReminderRows(SqlConnection& conn, core::TimePoint now,
                                                std::int64_t limit);
std::optional<core::TimePoint> NextPendingReminder(SqlConnection& conn);
std::vector<core::Reminder> ReminderRowsOf(SqlConnection& conn, std::int64_t booking_id);

}  // namespace bookbot::backends
