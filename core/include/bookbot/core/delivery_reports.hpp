#pragma once

#include <string>
#include <vector>

#include "bookbot/core/metrics.hpp"
#include "bookbot/core/records.hpp"
#include "bookbot/core/store.hpp"

namespace bookbot::core {

// What RecordDeliveries did with a batch of reports.
struct DeliveryTally {
    int recorded = 0;  // moved a message's status forward
    int stale = 0;     // the message was already there or past it
    int unknown = 0;   // named no message of the platform (ignored)
};

// Applies the delivery reports of one platform request (e.g. one WhatsApp
// webhook POST's statuses[]) as ONE write unit, re-run on a retryable
// failure (RunWithRetry): all of them are committed when it returns. A report
// naming an unknown message is counted, never an error. Throws StorageError
// when nothing could be committed: the platform must deliver them again.
// Counts each report in bookbot_delivery_reports_total{transport,status,
// outcome} (DeclareUpdateMetrics declares it); `metrics` may be null.
DeliveryTally RecordDeliveries(Store& store, const std::string& platform,
                               const std::vector<DeliveryReport>& reports, Metrics* metrics);

}  // namespace bookbot::core
