#include "reminders_sql.hpp"

#include <algorithm>
#include <string>
#include <tuple>

namespace bookbot::backends {
namespace {

using core::Reminder;
using core::ToEpochMillis;

constexpr const char* kReminderColumns =
    "id, booking_id, lead_ms, due_at, state, created_at, sent_at";

Reminder ReminderFromRow(const SqlRow& r) {
    Reminder reminder;
    reminder.id = r.Int(0);
    reminder.booking_id = r.Int(1);
    reminder.lead = core::Millis{r.Int(2)};
    reminder.due_at = core::FromEpochMillis(r.Int(3));
    reminder.pending = r.Text(4) == "pending";
    reminder.created_at = core::FromEpochMillis(r.Int(5));
    if (auto sent = r.OptionalInt(6)) reminder.sent_at = core::FromEpochMillis(*sent);
    return reminder;
}

}  // namespace

bool InsertReminder(SqlConnection& conn, std::int64_t id, std::int64_t booking_id,
                    core::Millis lead, core::TimePoint due_at, core::TimePoint now) {
    return conn.Exec(
                   "INSERT INTO booking_reminders (id, booking_id, lead_ms, due_at, state,"
                   " created_at) VALUES ($1, $2, $3, $4, 'pending', $5)"
                   " ON CONFLICT (booking_id, lead_ms) DO NOTHING",
                   {id, booking_id, std::int64_t{lead.count()}, ToEpochMillis(due_at),
                    ToEpochMillis(now)})
               .affected == 1;
}

void DeletePendingReminders(SqlConnection& conn, std::int64_t booking_id) {
    conn.Exec("DELETE FROM booking_reminders WHERE booking_id = $1 AND state = 'pending'",
              {booking_id});
}

std::vector<Reminder> TakeDueReminderRows(SqlConnection& conn, core::TimePoint now,
                                          std::int64_t limit) {
    // The UPDATE re-checks the state: of two units that read the same due row
    // (SQLite serialises them; PostgreSQL re-reads a row another committed),
    // only the first flips it.
    const std::string sql =
        std::string(
            "WITH due AS (SELECT id FROM booking_reminders WHERE state = 'pending'"
            " AND due_at <= $1 ORDER BY due_at, id LIMIT $2") +
        std::string(conn.SkipLockedSuffix()) +
        ") UPDATE booking_reminders SET state = 'sent', sent_at = $1"
        " WHERE id IN (SELECT id FROM due) AND state = 'pending' RETURNING " +
        kReminderColumns;
    std::vector<Reminder> taken;
    for (const SqlRow& row : conn.Exec(sql, {ToEpochMillis(now), limit}).rows) {
        taken.push_back(ReminderFromRow(row));
    }
    // RETURNING has no order of its own.
    std::sort(taken.begin(), taken.end(), [](const Reminder& a, const Reminder& b) {
        return std::tie(a.due_at, a.id) < std::tie(b.due_at, b.id);
    });
    return taken;
}

std::optional<core::TimePoint> NextPendingReminder(SqlConnection& conn) {
    const SqlResult r =
        conn.Exec("SELECT MIN(due_at) FROM booking_reminders WHERE state = 'pending'", {});
    if (r.rows.empty()) return std::nullopt;
    if (auto ms = r.rows.front().OptionalInt(0)) return core::FromEpochMillis(*ms);
    return std::nullopt;
}

std::vector<Reminder> ReminderRowsOf(SqlConnection& conn, std::int64_t booking_id) {
    std::vector<Reminder> out;
    for (const SqlRow& row : conn.Exec(std::string("SELECT ") + kReminderColumns +
                                           " FROM booking_reminders WHERE booking_id = $1"
                                           " ORDER BY due_at, id",
                                       {booking_id})
                                 .rows) {
        out.push_back(ReminderFromRow(row));
    }
    return out;
}

}  // namespace bookbot::backends
