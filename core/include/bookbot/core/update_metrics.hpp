#pragma once

#include <string>
#include <string_view>

#include "bookbot/core/engine.hpp"
#include "bookbot/core/metrics.hpp"
#include "bookbot/core/storage_error.hpp"

namespace bookbot::core {

// The metric families every inbound edge (webhook, long polling, …) writes,
// so that all transports count the same way:
//   bookbot_updates_total{transport,outcome}    handled, duplicate, ignored,
//                                               blocked, unblocked, rejected, failed,
//                                               unplaceable (authenticated, not an update)
//   bookbot_update_seconds{transport}           time to handle one update
//   bookbot_dedupe_hits_total{transport}        replays recognised
//   bookbot_cas_retries_total{transport}        units re-run after a conflict
//   bookbot_store_errors_total{kind}            StorageErrors seen, by kind
//   bookbot_delivery_reports_total{transport,status,outcome}
//                                               see delivery_reports.hpp
void DeclareUpdateMetrics(Metrics& metrics);

// Records one update's outcome; `metrics` may be null (nothing recorded).
void CountUpdate(Metrics* metrics, std::string_view transport, std::string_view outcome,
                 double seconds = -1);
// Records what the engine did: dedupe hit or handled, and its CAS retries.
void CountHandled(Metrics* metrics, std::string_view transport, const HandleResult& result,
                  double seconds);
void CountStoreError(Metrics* metrics, const StorageError& error);

}  // namespace bookbot::core
