#pragma once

// The SQL of the held delivery reports (migrations/0006): reports that named
// no message the bot knew yet, kept until the dispatcher stores the id the
// platform gave the message. Written once for both backends.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bookbot/core/records.hpp"
#include "sql_connection.hpp"

namespace bookbot::backends {

// UnitOfWork::HoldDelivery.
bool HoldDeliveryReport(SqlConnection& conn, const std::string& platform,
                        const core::DeliveryReport& report, core::TimePoint now,
                        std::int64_t capacity);
// The second half of UnitOfWork::SetPlatformMessageIds: applies and forgets
// the reports held for the platform ids `ids` just stored. Returns how many.
std::int64_t ApplyHeldReportsFor(SqlConnection& conn,
                                 const std::vector<std::pair<std::int64_t, std::string>>& ids);
// UnitOfWork::ReconcileHeldDeliveries.
core::HeldDeliveries ReconcileHeldReports(SqlConnection& conn, core::TimePoint expired_before);

}  // namespace bookbot::backends
