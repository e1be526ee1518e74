#pragma once

#include <future>
#include <memory>
#include <string>
#include <thread>

#include "bookbot/transports/platform/background_calls.hpp"
#include "bookbot/transports/platform/platform.hpp"
#include "bookbot/transports/telegram/outbox_sender.hpp"
#include "bookbot/transports/telegram/poller.hpp"
#include "bookbot/transports/telegram/settings.hpp"
#include "bookbot/transports/telegram/updates.hpp"
#include "bookbot/transports/telegram/webhook.hpp"

namespace bookbot::transports::telegram {

// Telegram as serve hosts it: on when a bot token is configured; a webhook
// route (when TELEGRAM_WEBHOOK_SECRET is set, or --telegram webhook; it answers
// button presses in its HTTP replies) or a long poller with a callback-answer
// queue, the Bot API sender, and the doctor checks
// "telegram token" and "telegram webhook". See transports::Platform.
class TelegramPlatform final : public Platform {
public:
    TelegramPlatform() = default;
    ~TelegramPlatform() override;

    std::string_view Name() const override { return kPlatform; }
    std::string Help() const override;
    std::vector<Setting> Settings() override;
    bool Configure(const SecretSink& secrets) override;
    void Start(const PlatformHost& host) override;
    std::vector<Route> Routes() override;
    std::vector<std::string> WebhookPaths() const override;
    core::OutboxSender& Sender() override { return *sender_; }
    Pacing GetPacing() const override;
    std::string Mode() const override;
    bool Stop(std::chrono::milliseconds grace) override;
    std::vector<CheckResult> Doctor(const SecretSink& secrets, const core::Clock& clock) override;

private:
    void StartPolling(const PlatformHost& host);
    // setMyCommands once, in the background: a failure is a warning (the
    // menu is a convenience; `bookbot telegram set-commands` retries it).
    void RegisterCommands(std::vector<core::CommandEntry> commands);

    // Settings (defaults shown in --help).
    TelegramSettings settings_;
    std::string mode_option_ = "auto";  // auto, webhook, polling, off
    std::string webhook_path_ = "/telegram/webhook";
    int poll_timeout_seconds_ = 25;
    int timeout_seconds_ = 15;  // one Bot API call (long polls get theirs on top)
    double send_rate_ = 30;     // messages/s overall; 0 = unpaced
    double chat_rate_ = 1;      // messages/s per chat; 0 = unpaced

    // After Configure() / Start(), in dependency order.
    TelegramMode mode_ = TelegramMode::kOff;
    TelegramConnection connection_;
    std::unique_ptr<TelegramSender> sender_;
    // Polling only: presses answered on a thread of their own, ahead of the
    // paced outbox (best effort: an answer only stops a spinner).
    std::unique_ptr<BackgroundCalls> callbacks_;
    std::unique_ptr<UpdateHandler> handler_;
    std::unique_ptr<Webhook> webhook_;
    std::future<void> commands_done_;  // std::async's: its destructor waits for the call
    std::unique_ptr<Poller> poller_;
    std::future<void> poller_done_;
    std::jthread poller_thread_;  // last: stops before what it uses goes
};

}  // namespace bookbot::transports::telegram
