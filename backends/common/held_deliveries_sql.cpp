#include "held_deliveries_sql.hpp"

#include <algorithm>

#include "outbox_sql.hpp"

namespace bookbot::backends {
namespace {

using core::ToEpochMillis;

// Outbox ids per statement in ApplyHeldReportsFor: far below both drivers'
// parameter caps.
constexpr std::size_t kIdsPerStatement = 500;

// What a DELETE … RETURNING of held reports yields, in this order.
constexpr const char* kHeldColumns = "platform, platform_message_id, status, error, reported_at";

// Applies the held reports a DELETE … RETURNING took out of the table.
std::int64_t Apply(SqlConnection& conn, const SqlResult& taken) {
    for (const SqlRow& row : taken.rows) {
        const core::DeliveryReport report{row.Text(1), core::ParseDeliveryStatus(row.Text(2)),
                                          row.IsNull(3) ? std::string() : row.Text(3),
                                          core::FromEpochMillis(row.Int(4))};
        // Stale is fine: a later report may already have moved the message on.
        (void)RecordOutboxDelivery(conn, row.Text(0), report);
    }
    return static_cast<std::int64_t>(taken.rows.size());
}

}  // namespace

bool HoldDeliveryReport(SqlConnection& conn, const std::string& platform,
                        const core::DeliveryReport& report, core::TimePoint now,
                        std::int64_t capacity) {
    const std::string status(core::ToString(report.status));
    // A rare path (a report that overtook "sent"): plain statements over a
    // table this very bound keeps small.
    if (!conn.Exec("SELECT 1 FROM held_delivery_reports WHERE platform = $1 AND"
                   " platform_message_id = $2 AND status = $3",
                   {platform, report.platform_message_id, status})
             .rows.empty()) {
        return true;  // the same report again: held already
    }
    if (conn.Exec("SELECT COUNT(*) FROM held_delivery_reports").rows.front().Int(0) >= capacity) {
        return false;
    }
    const bool failed = report.status == core::DeliveryStatus::kFailed;
    conn.Exec(
        "INSERT INTO held_delivery_reports (platform, platform_message_id, status, error,"
        " reported_at, received_at) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (platform, platform_message_id, status) DO NOTHING",
        {platform, report.platform_message_id, status,
         failed ? SqlValue(report.error) : SqlValue(nullptr), ToEpochMillis(report.at),
         ToEpochMillis(now)});
    return true;
}

std::int64_t ApplyHeldReportsFor(SqlConnection& conn,
                                 const std::vector<std::pair<std::int64_t, std::string>>& ids) {
    std::int64_t applied = 0;
    for (std::size_t start = 0; start < ids.size(); start += kIdsPerStatement) {
        const std::size_t end = std::min(ids.size(), start + kIdsPerStatement);
        SqlParams params;
        std::string in;
        for (std::size_t i = start; i < end; ++i) {
            params.emplace_back(ids[i].first);
            in += (i == start ? "$" : ", $") + std::to_string(params.size());
        }
        // By outbox id (primary key), so the platform of each message is the
        // one its row names; one statement for the batch, an index probe of
        // an (almost always) empty table when nothing is held.
        applied +=
            Apply(conn, conn.Exec("DELETE FROM held_delivery_reports WHERE (platform,"
                                  " platform_message_id) IN (SELECT platform, platform_message_id"
                                  " FROM outbox WHERE platform_message_id IS NOT NULL AND id IN (" +
                                      in + ")) RETURNING " + kHeldColumns,
                                  params));
    }
    return applied;
}

core::HeldDeliveries ReconcileHeldReports(SqlConnection& conn, core::TimePoint expired_before) {
    core::HeldDeliveries result;
    result.expired = conn.Exec("DELETE FROM held_delivery_reports WHERE received_at < $1",
                               {ToEpochMillis(expired_before)})
                         .affected;
    result.applied = Apply(
        conn, conn.Exec(std::string("DELETE FROM held_delivery_reports WHERE EXISTS (SELECT 1"
                                    " FROM outbox WHERE outbox.platform ="
                                    " held_delivery_reports.platform AND"
                                    " outbox.platform_message_id IS NOT NULL AND"
                                    " outbox.platform_message_id ="
                                    " held_delivery_reports.platform_message_id) RETURNING ") +
                        kHeldColumns));
    return result;
}

}  // namespace bookbot::backends
