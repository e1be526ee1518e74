#include "outbox_sql.hpp"

#include <algorithm>
#include <set>

namespace bookbot::backends {
namespace {

using core::OutboxMessage;
using core::OutboxStatus;
using core::ToEpochMillis;

constexpr auto FromMs = core::FromEpochMillis;
// Ids per statement in MarkOutboxSent: far below both drivers' parameter caps.
constexpr std::size_t kIdsPerStatement = 500;

// Pairs per statement in SetOutboxPlatformIds (two parameters each).
constexpr std::size_t kPairsPerStatement = 250;

constexpr const char* kOutboxColumns =
    "id, platform, chat_id, body, status, attempts, next_attempt_at, last_error, created_at, "
    "sent_at, platform_message_id, delivery_status, delivery_error, delivery_updated_at";

std::optional<core::TimePoint> OptionalTime(const SqlRow& r, std::size_t i) {
    if (auto ms = r.OptionalInt(i)) return FromMs(*ms);
    return std::nullopt;
}

std::string OptionalText(const SqlRow& r, std::size_t i) {
    return r.IsNull(i) ? std::string() : r.Text(i);
}

OutboxMessage OutboxFromRow(const SqlRow& r) {
    OutboxMessage m{r.Int(0),
                    r.Text(1),
                    r.Text(2),
                    r.Text(3),
                    core::ParseOutboxStatus(r.Text(4)),
                    static_cast<int>(r.Int(5)),
                    FromMs(r.Int(6)),
                    r.Text(7),
                    FromMs(r.Int(8)),
                    OptionalTime(r, 9),
                    OptionalText(r, 10),
                    std::nullopt,
                    OptionalText(r, 12),
                    OptionalTime(r, 13)};
    if (!r.IsNull(11)) m.delivery_status = core::ParseDeliveryStatus(r.Text(11));
    return m;
}

// How far a delivery has come: a report applies only over a lower rank.
// kFailed ranks above all, so it is final. Mirrored by kDeliveryRankSql.
std::int64_t DeliveryRank(core::DeliveryStatus status) {
    switch (status) {
        case core::DeliveryStatus::kSent:
            return 1;
        case core::DeliveryStatus::kDelivered:
            return 2;
        case core::DeliveryStatus::kRead:
            return 3;
        case core::DeliveryStatus::kFailed:
            return 4;
    }
    return 0;
}

constexpr const char* kDeliveryRankSql =
    "CASE delivery_status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3"
    " WHEN 'failed' THEN 4 ELSE 0 END";

}  // namespace

std::vector<OutboxMessage> ClaimOutboxRows(SqlConnection& conn, const std::string& worker,
                                           const std::string& platform, const std::string* chat_id,
                                           core::TimePoint now, core::Millis lease,
                                           std::int64_t limit) {
    SqlParams params = {ToEpochMillis(now), limit, platform, worker, ToEpochMillis(now + lease)};
    if (chat_id != nullptr) params.emplace_back(*chat_id);
    // Candidates: each chat's oldest pending message, if due and not held by a
    // live claim. PostgreSQL locks them (skipping rows another claimer holds);
    // the UPDATE re-checks the lease, so of two racing claimers one wins.
    const std::string sql =
        std::string(
            "WITH due AS (SELECT o.id FROM outbox o WHERE o.status = 'pending'"
            " AND o.platform = $3") +
        (chat_id != nullptr ? " AND o.chat_id = $6" : "") +
        " AND o.next_attempt_at <= $1"
        " AND (o.claimed_until IS NULL OR o.claimed_until <= $1)"
        // A scalar subquery per candidate, which PostgreSQL cannot turn into a
        // join: it walks outbox_chat for the candidate's chat alone. The
        // equivalent NOT EXISTS was planned (from the statistics of a young
        // table, then kept by the prepared statement) as an anti-join that
        // compared each candidate with every pending row of the platform, so a
        // claim grew with the square of the backlog: under load it was most of
        // the database's work per update.
        " AND o.id = (SELECT e.id FROM outbox e WHERE e.platform = o.platform"
        " AND e.chat_id = o.chat_id AND e.status = 'pending' ORDER BY e.id LIMIT 1)"
        " ORDER BY o.next_attempt_at, o.id LIMIT $2" +
        std::string(conn.SkipLockedSuffix()) +
        ") UPDATE outbox SET claimed_by = $4, claimed_until = $5, attempts = attempts + 1"
        " WHERE id IN (SELECT id FROM due) AND status = 'pending'"
        " AND (claimed_until IS NULL OR claimed_until <= $1) RETURNING " +
        kOutboxColumns;
    std::vector<OutboxMessage> claimed;
    for (const SqlRow& row : conn.Exec(sql, params).rows) claimed.push_back(OutboxFromRow(row));
    // RETURNING has no order of its own.
    std::sort(claimed.begin(), claimed.end(), [](const OutboxMessage& a, const OutboxMessage& b) {
        return std::tie(a.next_attempt_at, a.id) < std::tie(b.next_attempt_at, b.id);
    });
    return claimed;
}

std::vector<std::int64_t> MarkOutboxSent(SqlConnection& conn, const std::vector<std::int64_t>& ids,
                                         const std::string& worker, core::TimePoint now) {
    std::set<std::int64_t> lost(ids.begin(), ids.end());
    for (std::size_t start = 0; start < ids.size(); start += kIdsPerStatement) {
        const std::size_t end = std::min(ids.size(), start + kIdsPerStatement);
        SqlParams params = {worker, ToEpochMillis(now)};
        std::string in;
        for (std::size_t i = start; i < end; ++i) {
            params.emplace_back(ids[i]);
            in += (i == start ? "$" : ", $") + std::to_string(params.size());
        }
        const SqlResult r = conn.Exec(
            "UPDATE outbox SET status = 'sent', sent_at = $2, claimed_by = NULL,"
            " claimed_until = NULL WHERE claimed_by = $1 AND status = 'pending' AND id IN (" +
                in + ") RETURNING id",
            params);
        for (const SqlRow& row : r.rows) lost.erase(row.Int(0));
    }
    return {lost.begin(), lost.end()};
}

bool MarkOutboxRetry(SqlConnection& conn, std::int64_t id, const std::string& worker,
                     core::TimePoint next_attempt_at, const std::string& error) {
    return conn.Exec(
                   "UPDATE outbox SET next_attempt_at = $3, last_error = $4,"
                   " claimed_by = NULL, claimed_until = NULL"
                   " WHERE id = $1 AND claimed_by = $2 AND status = 'pending'",
                   {id, worker, ToEpochMillis(next_attempt_at), error})
               .affected == 1;
}

bool MarkOutboxDead(SqlConnection& conn, std::int64_t id, const std::string& worker,
                    const std::string& error) {
    return conn.Exec(
                   "UPDATE outbox SET status = 'dead', last_error = $3, claimed_by = NULL,"
                   " claimed_until = NULL"
                   " WHERE id = $1 AND claimed_by = $2 AND status = 'pending'",
                   {id, worker, error})
               .affected == 1;
}

std::vector<OutboxMessage> ListOutboxRows(SqlConnection& conn, OutboxStatus status,
                                          std::int64_t limit) {
    std::vector<OutboxMessage> out;
    for (const SqlRow& row : conn.Exec(std::string("SELECT ") + kOutboxColumns +
                                           " FROM outbox WHERE status = $1 ORDER BY id LIMIT $2",
                                       {std::string(ToString(status)), limit})
                                 .rows) {
        out.push_back(OutboxFromRow(row));
    }
    return out;
}

std::int64_t CountOutboxRows(SqlConnection& conn, OutboxStatus status) {
    return conn
        .Exec("SELECT COUNT(*) FROM outbox WHERE status = $1", {std::string(ToString(status))})
        .rows.front()
        .Int(0);
}

std::int64_t SetOutboxPlatformIds(SqlConnection& conn,
                                  const std::vector<std::pair<std::int64_t, std::string>>& ids) {
    std::int64_t changed = 0;
    for (std::size_t start = 0; start < ids.size(); start += kPairsPerStatement) {
        const std::size_t end = std::min(ids.size(), start + kPairsPerStatement);
        // One UPDATE for the batch: CASE maps each id to its platform id.
        SqlParams params;
        std::string cases;
        std::string in;
        for (std::size_t i = start; i < end; ++i) {
            params.emplace_back(ids[i].first);
            params.emplace_back(ids[i].second);
            const std::string id_param = "$" + std::to_string(params.size() - 1);
            cases += " WHEN " + id_param + " THEN $" + std::to_string(params.size());
            in += (i == start ? "" : ", ") + id_param;
        }
        std::string sql = "UPDATE outbox SET platform_message_id = CASE id";
        sql.append(cases).append(" END WHERE status = 'sent' AND id IN (").append(in).append(")");
        changed += conn.Exec(sql, params).affected;
    }
    return changed;
}

core::DeliveryUpdate RecordOutboxDelivery(SqlConnection& conn, const std::string& platform,
                                          const core::DeliveryReport& report) {
    const bool failed = report.status == core::DeliveryStatus::kFailed;
    const SqlResult updated =
        conn.Exec(std::string("UPDATE outbox SET delivery_status = $3, delivery_error = $4,"
                              " delivery_updated_at = $5"
                              " WHERE platform = $1 AND platform_message_id = $2 AND ") +
                      kDeliveryRankSql + " < $6",
                  {platform, report.platform_message_id, std::string(core::ToString(report.status)),
                   failed ? SqlValue(report.error) : SqlValue(nullptr), ToEpochMillis(report.at),
                   DeliveryRank(report.status)});
    if (updated.affected > 0) return core::DeliveryUpdate::kRecorded;
    // Rare (a repeated or late report, or a message not ours): tell them apart.
    const bool known = !conn.Exec(
                                "SELECT 1 FROM outbox WHERE platform = $1 AND"
                                " platform_message_id = $2 LIMIT 1",
                                {platform, report.platform_message_id})
                            .rows.empty();
    return known ? core::DeliveryUpdate::kStale : core::DeliveryUpdate::kUnknown;
}

std::vector<OutboxMessage> ListFailedDeliveryRows(SqlConnection& conn, std::int64_t limit) {
    std::vector<OutboxMessage> out;
    for (const SqlRow& row : conn.Exec(std::string("SELECT ") + kOutboxColumns +
                                           " FROM outbox WHERE delivery_status = 'failed'"
                                           " ORDER BY delivery_updated_at DESC, id DESC LIMIT $1",
                                       {limit})
                                 .rows) {
        out.push_back(OutboxFromRow(row));
    }
    return out;
}

std::int64_t CountFailedDeliveryRows(SqlConnection& conn) {
    return conn.Exec("SELECT COUNT(*) FROM outbox WHERE delivery_status = 'failed'")
        .rows.front()
        .Int(0);
}

bool RequeueDeadOutbox(SqlConnection& conn, std::int64_t id, core::TimePoint now) {
    return conn.Exec(
                   "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $2,"
                   " claimed_by = NULL, claimed_until = NULL"
                   " WHERE id = $1 AND status = 'dead'",
                   {id, ToEpochMillis(now)})
               .affected == 1;
}

}  // namespace bookbot::backends
