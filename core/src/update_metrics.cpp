#include "bookbot/core/update_metrics.hpp"

namespace bookbot::core {

void DeclareUpdateMetrics(Metrics& metrics) {
    metrics.DeclareCounter("bookbot_updates_total", "Inbound updates by transport and outcome.");
    metrics.DeclareHistogram(
        "bookbot_update_seconds", "Time to handle one inbound update (one unit of work).",
        {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5});
    metrics.DeclareCounter("bookbot_dedupe_hits_total",
                           "Updates delivered again and recognised as handled before.");
    metrics.DeclareCounter("bookbot_cas_retries_total",
                           "Units of work run again after a session version conflict.");
    metrics.DeclareCounter("bookbot_store_errors_total", "Store failures by kind.");
    metrics.DeclareCounter(
        "bookbot_delivery_reports_total",
        "Delivery reports (WhatsApp statuses) by transport, status and outcome"
        " (recorded, stale, held: its message not known yet, unknown: no room to hold it).");
}

void CountUpdate(Metrics* metrics, std::string_view transport, std::string_view outcome,
                 double seconds) {
    if (metrics == nullptr) return;
    const std::string t(transport);
    metrics->Add("bookbot_updates_total", {{"transport", t}, {"outcome", std::string(outcome)}});
    if (seconds >= 0) metrics->Observe("bookbot_update_seconds", {{"transport", t}}, seconds);
}

void CountHandled(Metrics* metrics, std::string_view transport, const HandleResult& result,
                  double seconds) {
    if (metrics == nullptr) return;
    CountUpdate(metrics, transport, result.duplicate ? "duplicate" : "handled", seconds);
    const std::string t(transport);
    if (result.duplicate) metrics->Add("bookbot_dedupe_hits_total", {{"transport", t}});
    if (result.retries > 0) {
        metrics->Add("bookbot_cas_retries_total", {{"transport", t}}, result.retries);
    }
}

void CountStoreError(Metrics* metrics, const StorageError& error) {
    if (metrics == nullptr) return;
    metrics->Add("bookbot_store_errors_total", {{"kind", std::string(KindName(error.kind()))}});
}

}  // namespace bookbot::core
