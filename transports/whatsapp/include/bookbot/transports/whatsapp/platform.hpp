#pragma once

#include <memory>
#include <string>

#include "bookbot/transports/platform/background_calls.hpp"
#include "bookbot/transports/platform/platform.hpp"
#include "bookbot/transports/whatsapp/outbox_sender.hpp"
#include "bookbot/transports/whatsapp/settings.hpp"
#include "bookbot/transports/whatsapp/webhook.hpp"

namespace bookbot::transports::whatsapp {

// WhatsApp (Cloud API) as serve hosts it: on when WHATSAPP_ACCESS_TOKEN and
// WHATSAPP_PHONE_NUMBER_ID are set; a webhook route (GET handshake, POST
// messages; each message handled is marked read in the background unless
// --whatsapp-mark-read is off), the Graph API sender, and the doctor checks "whatsapp settings",
// "whatsapp token" and "whatsapp webhook path". See transports::Platform.
class WhatsAppPlatform final : public Platform {
public:
    WhatsAppPlatform() = default;
    ~WhatsAppPlatform() override;

    std::string_view Name() const override { return kPlatform; }
    std::string Help() const override;
    std::vector<Setting> Settings() override { return SettingsFor(settings_); }
    bool Configure(const SecretSink& secrets) override;
    void Start(const PlatformHost& host) override;
    std::vector<Route> Routes() override;
    std::vector<std::string> WebhookPaths() const override;
    core::OutboxSender& Sender() override { return *sender_; }
    Pacing GetPacing() const override;
    std::string Mode() const override { return "webhook"; }
    std::size_t MaxChoices() const override { return kMaxChoices; }
    bool Stop(std::chrono::milliseconds) override { return true; }
    std::vector<CheckResult> Doctor(const SecretSink& secrets, const core::Clock& clock) override;

private:
    WhatsAppSettings settings_;
    WhatsAppConnection connection_;
    std::unique_ptr<WhatsAppSender> sender_;
    std::unique_ptr<BackgroundCalls> read_receipts_;  // null with --whatsapp-mark-read off
    std::unique_ptr<Webhook> webhook_;
};

}  // namespace bookbot::transports::whatsapp
