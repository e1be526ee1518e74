#pragma once

// The SQL of the store's outbox (UnitOfWork::ClaimOutbox … RequeueDead),
// written once for both backends. Claims and outcomes are set-at-a-time
// statements, so a dispatcher's batch costs one statement to claim and one to
// record "sent". Enqueue's rows go out with the unit's other appended rows
// (appending_connection.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bookbot/core/records.hpp"
#include "sql_connection.hpp"

namespace bookbot::backends {

// Claims up to `limit` due messages of `platform` (of one chat when `chat_id`
// is set), each the oldest pending message of its chat, in one statement.
// Returned in (next_attempt_at, id) order.
std::vector<core::OutboxMessage> ClaimOutboxRows(SqlConnection& conn, const std::string& worker,
                                                 const std::string& platform,
                                                 const std::string* chat_id, core::TimePoint now,
                                                 core::Millis lease, std::int64_t limit);

// UnitOfWork::MarkSentMany: the ids of `ids` that `worker` no longer held.
std::vector<std::int64_t> MarkOutboxSent(SqlConnection& conn, const std::vector<std::int64_t>& ids,
                                         const std::string& worker, core::TimePoint now);
bool MarkOutboxRetry(SqlConnection& conn, std::int64_t id, const std::string& worker,
                     core::TimePoint next_attempt_at, const std::string& error);
bool MarkOutboxDead(SqlConnection& conn, std::int64_t id, const std::string& worker,
                    const std::string& error);
std::vector<core::OutboxMessage> ListOutboxRows(SqlConnection& conn, core::OutboxStatus status,
                                                std::int64_t limit);
std::int64_t CountOutboxRows(SqlConnection& conn, core::OutboxStatus status);
// UnitOfWork::SetPlatformMessageIds, RecordDelivery, ListFailedDeliveries,
// CountFailedDeliveries.
std::int64_t SetOutboxPlatformIds(SqlConnection& conn,
                                  const std::vector<std::pair<std::int64_t, std::string>>& ids);
core::DeliveryUpdate RecordOutboxDelivery(SqlConnection& conn, const std::string& platform,
                                          const core::DeliveryReport& report);
std::vector<core::OutboxMessage> ListFailedDeliveryRows(SqlConnection& conn, std::int64_t limit);
std::int64_t CountFailedDeliveryRows(SqlConnection& conn);
bool RequeueDeadOutbox(SqlConnection& conn, std::int64_t id, core::TimePoint now);

}  // namespace bookbot::backends
