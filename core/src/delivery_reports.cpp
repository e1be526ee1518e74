#include "bookbot/core/delivery_reports.hpp"

namespace bookbot::core {
namespace {

// What became of one report in RecordDeliveries: RecordDelivery's answer,
// or held / dropped for a report that named no known message.
enum class Outcome { kRecorded, kStale, kHeld, kUnknown };

std::string_view OutcomeName(Outcome outcome) {
    switch (outcome) {
        case Outcome::kRecorded:
            return "recorded";
        case Outcome::kStale:
            return "stale";
        case Outcome::kHeld:
            return "held";
        case Outcome::kUnknown:
            return "unknown";
    }
    return "?";
}

Outcome Apply(UnitOfWork& unit, const std::string& platform, const DeliveryReport& report,
              TimePoint now) {
    switch (unit.RecordDelivery(platform, report)) {
        case DeliveryUpdate::kRecorded:
            return Outcome::kRecorded;
        case DeliveryUpdate::kStale:
            return Outcome::kStale;
        case DeliveryUpdate::kUnknown:
            break;
    }
    return unit.HoldDelivery(platform, report, now, kHeldDeliveryCapacity) ? Outcome::kHeld
                                                                           : Outcome::kUnknown;
}

}  // namespace

DeliveryTally RecordDeliveries(Store& store, const std::string& platform,
                               const std::vector<DeliveryReport>& reports, TimePoint now,
                               Metrics* metrics) {
    if (reports.empty()) return {};
    std::vector<Outcome> outcomes;
    DeliveryTally tally;
    RunWithRetry(store, [&](UnitOfWork& unit) {
        outcomes.clear();  // a retry starts again from scratch
        tally.reconciled = unit.ReconcileHeldDeliveries(now - kHeldDeliveryMaxAge);
        for (const DeliveryReport& report : reports) {
            outcomes.push_back(Apply(unit, platform, report, now));
        }
    });
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        switch (outcomes[i]) {
            case Outcome::kRecorded:
                ++tally.recorded;
                break;
            case Outcome::kStale:
                ++tally.stale;
                break;
            case Outcome::kHeld:
                ++tally.held;
                break;
            case Outcome::kUnknown:
                ++tally.unknown;
                break;
        }
        if (metrics != nullptr) {
            metrics->Add("bookbot_delivery_reports_total",
                         {{"transport", platform},
                          {"status", std::string(ToString(reports[i].status))},
                          {"outcome", std::string(OutcomeName(outcomes[i]))}});
        }
    }
    return tally;
}

}  // namespace bookbot::core
