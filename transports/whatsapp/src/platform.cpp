#include "bookbot/transports/whatsapp/platform.hpp"

#include <stdexcept>

#include "bookbot/core/delivery_reports.hpp"
#include "bookbot/core/log.hpp"
#include "bookbot/core/update_metrics.hpp"

namespace bookbot::transports::whatsapp {

using namespace std::chrono_literals;

namespace {

// One webhook body's statuses[], against the outbox rows they name, in one
// unit. A StorageError propagates (the webhook answers 503).
void RecordStatuses(core::Store& store, core::Metrics& metrics, core::TimePoint now,
                    const std::vector<StatusEvent>& statuses) {
    std::vector<core::DeliveryReport> reports;
    for (const StatusEvent& status : statuses) {
        if (auto report = ToDeliveryReport(status)) {
            reports.push_back(std::move(*report));
        } else {
            core::CountUpdate(&metrics, kPlatform, "ignored");
            core::log::Debug("whatsapp.status_ignored", {{"status", status.status}});
        }
    }
    core::DeliveryTally tally;
    try {
        tally = core::RecordDeliveries(store, std::string(kPlatform), reports, now, &metrics);
    } catch (const core::StorageError& e) {
        core::CountStoreError(&metrics, e);
        throw;
    }
    for (const core::DeliveryReport& report : reports) {
        if (report.status == core::DeliveryStatus::kFailed) {
            core::log::Warn("whatsapp.delivery_failed",
                            {{"message_id", report.platform_message_id}, {"error", report.error}});
        }
    }
    if (tally.held > 0 || tally.reconciled.applied > 0) {
        // Mostly a status that overtook the dispatcher's "sent": applied when
        // it commits the message's id.
        core::log::Debug("whatsapp.status_held",
                         {{"held", tally.held}, {"applied_late", tally.reconciled.applied}});
    }
    if (tally.unknown > 0 || tally.reconciled.expired > 0) {
        // Messages sent by something else on this number, or sends lost in a
        // crash: nothing to record them against.
        core::log::Info("whatsapp.status_unknown_message",
                        {{"dropped", tally.unknown}, {"expired", tally.reconciled.expired}});
    }
}

}  // namespace

WhatsAppPlatform::~WhatsAppPlatform() = default;

std::string WhatsAppPlatform::Help() const {
    return "WhatsApp is on when WHATSAPP_ACCESS_TOKEN (or --whatsapp-access-token-file) and "
           "WHATSAPP_PHONE_NUMBER_ID are set; it then needs WHATSAPP_APP_SECRET and "
           "WHATSAPP_VERIFY_TOKEN and serves its webhook on --whatsapp-webhook-path.";
}

bool WhatsAppPlatform::Configure(const SecretSink& secrets) {
    ResolveWhatsAppSettings(settings_, secrets);
    return settings_.On();
}

void WhatsAppPlatform::Start(const PlatformHost& host) {
    connection_ = ConnectWhatsApp(settings_);
    sender_ = std::make_unique<WhatsAppSender>(*connection_.api);
    if (settings_.mark_read == "on") {
        read_receipts_ = std::make_unique<BackgroundCalls>(
            "whatsapp.mark_read_failed",
            [&api = *connection_.api](const std::string& wamid) { api.MarkRead(wamid); });
    }
    Intake& intake = host.intake;
    webhook_ = std::make_unique<Webhook>(
        WebhookSettings{settings_.app_secret, settings_.verify_token, settings_.phone_number_id},
        [&intake, receipts = read_receipts_.get()](const core::Inbound& in) {
            core::HandleResult result = intake.Handle(in);
            // Committed: mark it read, off the answer's path (a replay was
            // marked the first time).
            if (receipts != nullptr && !result.duplicate) receipts->Enqueue(in.external_id);
            return result;
        },
        [&store = host.store, &metrics = host.metrics,
         &clock = host.clock](const std::vector<StatusEvent>& statuses) {
            RecordStatuses(store, metrics, clock.Now(), statuses);
        },
        host.clock, &host.metrics);
    core::log::Info("whatsapp.webhook", {{"path", settings_.webhook_path}});
}

std::vector<Route> WhatsAppPlatform::Routes() {
    return {{settings_.webhook_path, "whatsapp_webhook",
             [this](const http::Request& request) { return webhook_->Handle(request); }}};
}

std::vector<std::string> WhatsAppPlatform::WebhookPaths() const {
    if (!settings_.On()) return {};
    return {settings_.webhook_path};
}

Pacing WhatsAppPlatform::GetPacing() const {
    Pacing pacing;
    pacing.lease = 2 * std::chrono::seconds(settings_.timeout_seconds) + 5s;
    pacing.global_rate = settings_.send_rate;
    pacing.chat_rate = settings_.chat_rate;
    return pacing;
}

std::vector<CheckResult> WhatsAppPlatform::Doctor(const SecretSink& secrets,
                                                  const core::Clock& /*clock*/) {
    std::vector<CheckResult> checks;
    try {
        ResolveWhatsAppSettings(settings_, secrets);
    } catch (const std::invalid_argument& e) {
        checks.push_back(CheckResult::Fail("whatsapp settings", e.what(),
                                           "set the WhatsApp settings README lists"));
        return checks;
    }
    if (!settings_.On()) {
        checks.push_back(CheckResult::Skip(
            "whatsapp", "off (no WHATSAPP_ACCESS_TOKEN / WHATSAPP_PHONE_NUMBER_ID)"));
        return checks;
    }
    // Its path against serve's own and the other platforms': doctor's
    // "webhook paths" check (WebhookPaths()).
    checks.push_back(CheckResult::Ok(
        "whatsapp settings",
        "app secret and verify token present; webhook on " + settings_.webhook_path));
    try {
        const WhatsAppConnection connection = ConnectWhatsApp(settings_);
        const PhoneNumber number = connection.api->GetPhoneNumber();
        checks.push_back(CheckResult::Ok(
            "whatsapp token",
            "accepted for " + number.display_phone_number +
                (number.verified_name.empty() ? "" : " (" + number.verified_name + ")")));
    } catch (const std::exception& e) {
        checks.push_back(
            CheckResult::Fail("whatsapp token", e.what(),
                              "check WHATSAPP_ACCESS_TOKEN (a permanent system user token with "
                              "whatsapp_business_messaging) and WHATSAPP_PHONE_NUMBER_ID"));
    }
    return checks;
}

}  // namespace bookbot::transports::whatsapp
