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

constexpr const char* kOutboxColumns =
    "id, platform, chat_id, body, status, attempts, next_attempt_at, last_error, created_at, "
    "sent_at";

OutboxMessage OutboxFromRow(const SqlRow& r) {
    std::optional<core::TimePoint> sent_at;
    if (auto ms = r.OptionalInt(9)) sent_at = FromMs(*ms);
    return {r.Int(0),
            r.Text(1),
            r.Text(2),
            r.Text(3),
            core::ParseOutboxStatus(r.Text(4)),
            static_cast<int>(r.Int(5)),
            FromMs(r.Int(6)),
            r.Text(7),
            FromMs(r.Int(8)),
            sent_at};
}

}  // namespace

void InsertOutbox(SqlConnection& conn, std::int64_t id, const std::string& platform,
                  const std::string& chat_id, const std::string& body, core::TimePoint now) {
    conn.Exec(
        "INSERT INTO outbox (id, platform, chat_id, body, status, attempts,"
        " next_attempt_at, last_error, created_at)"
        " VALUES ($1, $2, $3, $4, 'pending', 0, $5, '', $5)",
        {id, platform, chat_id, body, ToEpochMillis(now)});
}

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

bool RequeueDeadOutbox(SqlConnection& conn, std::int64_t id, core::TimePoint now) {
    return conn.Exec(
                   "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $2,"
                   " claimed_by = NULL, claimed_until = NULL"
                   " WHERE id = $1 AND status = 'dead'",
                   {id, ToEpochMillis(now)})
               .affected == 1;
}

}  // namespace bookbot::backends
