#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/metrics.hpp"
#include "bookbot/core/records.hpp"
#include "bookbot/core/store.hpp"

namespace bookbot::core {

// How many reports that named no known message are held at most, and for how
// long (UnitOfWork::HoldDelivery). A report overtakes "sent" by the time the
// dispatcher takes to commit (milliseconds, seconds while the database
// recovers); an hour covers that with room, and the bound keeps the reports
// about messages something else sent on the same number from piling up.
inline constexpr std::int64_t kHeldDeliveryCapacity = 1000;
inline constexpr Millis kHeldDeliveryMaxAge = std::chrono::hours(1);

// What RecordDeliveries did with a batch of reports.
struct DeliveryTally {
    int recorded = 0;           // moved a message's status forward
    int stale = 0;              // the message was already there or past it
    int held = 0;               // named no known message yet: held until its id is stored
    int unknown = 0;            // named no known message, and no room to hold it (dropped)
    HeldDeliveries reconciled;  // earlier held reports applied late, or expired
};

// Applies the delivery reports of one platform request (e.g. one WhatsApp
// webhook POST's statuses[]), received at `now`, as ONE write unit, re-run on
// a retryable failure (RunWithRetry): all of them are committed when it
// returns. A report naming no known message is held (UnitOfWork::HoldDelivery)
// for when the dispatcher stores its id, never an error; the same unit first
// reconciles the reports held so far (ReconcileHeldDeliveries). Throws
// StorageError when nothing could be committed: the platform must deliver
// them again. Counts each report in bookbot_delivery_reports_total{transport,
// status,outcome} (DeclareUpdateMetrics declares it); `metrics` may be null.
DeliveryTally RecordDeliveries(Store& store, const std::string& platform,
                               const std::vector<DeliveryReport>& reports, TimePoint now,
                               Metrics* metrics);

}  // namespace bookbot::core
