#include "bookbot/core/delivery_reports.hpp"

namespace bookbot::core {
namespace {

std::string_view OutcomeName(DeliveryUpdate update) {
    switch (update) {
        case DeliveryUpdate::kRecorded:
            return "recorded";
        case DeliveryUpdate::kStale:
            return "stale";
        case DeliveryUpdate::kUnknown:
            return "unknown";
    }
    return "?";
}

}  // namespace

DeliveryTally RecordDeliveries(Store& store, const std::string& platform,
                               const std::vector<DeliveryReport>& reports, Metrics* metrics) {
    if (reports.empty()) return {};
    std::vector<DeliveryUpdate> updates;
    RunWithRetry(store, [&](UnitOfWork& unit) {
        updates.clear();  // a retry starts again from scratch
        for (const DeliveryReport& report : reports) {
            updates.push_back(unit.RecordDelivery(platform, report));
        }
    });
    DeliveryTally tally;
    for (std::size_t i = 0; i < updates.size(); ++i) {
        switch (updates[i]) {
            case DeliveryUpdate::kRecorded:
                ++tally.recorded;
                break;
            case DeliveryUpdate::kStale:
                ++tally.stale;
                break;
            case DeliveryUpdate::kUnknown:
                ++tally.unknown;
                break;
        }
        if (metrics != nullptr) {
            metrics->Add("bookbot_delivery_reports_total",
                         {{"transport", platform},
                          {"status", std::string(ToString(reports[i].status))},
                          {"outcome", std::string(OutcomeName(updates[i]))}});
        }
    }
    return tally;
}

}  // namespace bookbot::core
