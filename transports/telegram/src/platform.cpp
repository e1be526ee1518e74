#include "bookbot/transports/telegram/platform.hpp"

#include <stdexcept>

#include "bookbot/core/log.hpp"
#include "doctor.hpp"

namespace bookbot::transports::telegram {

using namespace std::chrono_literals;

TelegramPlatform::~TelegramPlatform() = default;

std::string TelegramPlatform::Help() const {
    return "Telegram is on when a bot token is set: TELEGRAM_BOT_TOKEN (or "
           "--telegram-token-file); it serves the webhook when TELEGRAM_WEBHOOK_SECRET is set, "
           "else long polling.";
}

std::vector<Setting> TelegramPlatform::Settings() {
    std::vector<Setting> list = ConnectionSettings(settings_);
    list.push_back({.flag = "--telegram",
                    .env = "BOOKBOT_TELEGRAM_MODE",
                    .help = "auto: webhook when TELEGRAM_WEBHOOK_SECRET is set, else long polling "
                            "(when a token is set); or webhook, polling, off",
                    .value = &mode_option_,
                    .choices = {"auto", "webhook", "polling", "off"}});
    list.push_back({.flag = "--webhook-path",
                    .env = "BOOKBOT_TELEGRAM_WEBHOOK_PATH",
                    .help = "Path Telegram POSTs updates to",
                    .value = &webhook_path_});
    list.push_back({.flag = "--poll-timeout",
                    .env = "BOOKBOT_TELEGRAM_POLL_TIMEOUT",
                    .help = "Long-poll wait in seconds (0-50)",
                    .value = &poll_timeout_seconds_,
                    .min = 0,
                    .max = 50});
    list.push_back(
        {.flag = "--telegram-timeout",
         .env = "BOOKBOT_TELEGRAM_TIMEOUT",
         .help = "Seconds one Bot API call may take before it counts as failed (and is retried)",
         .value = &timeout_seconds_,
         .min = 1,
         .max = 300});
    list.push_back({.flag = "--send-rate",
                    .env = "BOOKBOT_SEND_RATE",
                    .help = "Messages per second overall (Telegram allows about 30); 0: unpaced",
                    .value = &send_rate_,
                    .min = 0,
                    .max = 100000});
    list.push_back({.flag = "--chat-rate",
                    .env = "BOOKBOT_CHAT_RATE",
                    .help = "Messages per second to one chat (about 1, with bursts); 0: unpaced",
                    .value = &chat_rate_,
                    .min = 0,
                    .max = 1000});
    return list;
}

bool TelegramPlatform::Configure(const SecretSink& secrets) {
    ResolveTelegramSettings(settings_, secrets);
    mode_ = PickTelegramMode(mode_option_, settings_);
    if (mode_ == TelegramMode::kOff) return false;
    RequireTelegramToken(settings_, secrets);
    if (mode_ == TelegramMode::kWebhook && settings_.webhook_secret.empty()) {
        throw std::invalid_argument(
            "--telegram webhook needs TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -), the "
            "same one given to `bookbot telegram set-webhook`");
    }
    if (mode_ == TelegramMode::kWebhook && webhook_path_.rfind('/', 0) != 0) {
        throw std::invalid_argument("--webhook-path '" + webhook_path_ +
                                    "' must start with / (e.g. /telegram/webhook)");
    }
    return true;
}

void TelegramPlatform::Start(const PlatformHost& host) {
    connection_ = ConnectTelegram(settings_, host.clock, std::chrono::seconds(timeout_seconds_));
    sender_ = std::make_unique<TelegramSender>(*connection_.api);
    RegisterCommands(host.commands);
    if (mode_ == TelegramMode::kWebhook) {
        // Presses are answered in the webhook's replies: no thread, no request.
        handler_ = std::make_unique<UpdateHandler>(host.intake);
        webhook_ = std::make_unique<Webhook>(*handler_, settings_.webhook_secret, host.clock,
                                             &host.metrics);
        core::log::Info("telegram.webhook", {{"path", webhook_path_}});
    } else {
        callbacks_ = std::make_unique<BackgroundCalls>(
            "telegram.callback_answer_failed",
            [api = connection_.api.get()](const std::string& id) { api->AnswerCallbackQuery(id); });
        handler_ = std::make_unique<UpdateHandler>(
            host.intake, [this](const std::string& id) { callbacks_->Enqueue(id); });
        StartPolling(host);
    }
}

void TelegramPlatform::RegisterCommands(std::vector<core::CommandEntry> commands) {
    if (commands.empty()) return;
    commands_done_ = std::async(std::launch::async, [this, commands = std::move(commands)] {
        try {
            connection_.api->SetMyCommands(commands);
            core::log::Info("telegram.commands_set", {{"commands", commands.size()}});
        } catch (const std::exception& e) {
            core::log::Warn("telegram.commands_failed", {{"error", e.what()}});
        }
    });
}

void TelegramPlatform::StartPolling(const PlatformHost& host) {
    PollerOptions options;
    options.timeout_seconds = poll_timeout_seconds_;
    poller_ =
        std::make_unique<Poller>(*connection_.api, *handler_, host.store, host.clock, options);
    std::promise<void> done;
    poller_done_ = done.get_future();
    poller_thread_ = std::jthread(
        [this, wait = host.wait, done = std::move(done)](const std::stop_token& stop) mutable {
            core::log::Info("telegram.polling", {{"timeout_seconds", poll_timeout_seconds_}});
            poller_->Run([&stop] { return stop.stop_requested(); },
                         [&wait, &stop](core::Millis d) { wait(d, stop); });
            done.set_value();
        });
}

std::vector<Route> TelegramPlatform::Routes() {
    if (!webhook_) return {};
    return {{webhook_path_, "telegram_webhook",
             [this](const http::Request& request) { return webhook_->Handle(request); }}};
}

Pacing TelegramPlatform::GetPacing() const {
    Pacing pacing;
    // A claim must outlive one send; a crashed worker's claims come back
    // after this long (then resent: at least once, never lost).
    pacing.lease = 2 * std::chrono::seconds(timeout_seconds_) + 5s;
    pacing.global_rate = send_rate_;
    pacing.chat_rate = chat_rate_;
    return pacing;
}

std::string TelegramPlatform::Mode() const {
    switch (mode_) {
        case TelegramMode::kWebhook:
            return "webhook";
        case TelegramMode::kPolling:
            return "polling";
        case TelegramMode::kOff:
            break;
    }
    return "off";
}

bool TelegramPlatform::Stop(std::chrono::milliseconds grace) {
    if (poller_thread_.joinable()) {
        poller_thread_.request_stop();
        // Blocked in a long poll, it may not return in time. Nothing it holds
        // is uncommitted: the offset only moves after a batch committed.
        if (poller_done_.wait_for(grace) != std::future_status::ready) return false;
        poller_thread_.join();
    }
    return true;
}

std::vector<CheckResult> TelegramPlatform::Doctor(const SecretSink& secrets,
                                                  const core::Clock& clock) {
    std::vector<CheckResult> checks = DoctorChecks(
        settings_, mode_option_, std::chrono::seconds(timeout_seconds_), secrets, clock);
    mode_ = PickTelegramMode(mode_option_, settings_);  // for WebhookPaths()
    return checks;
}

std::vector<std::string> TelegramPlatform::WebhookPaths() const {
    if (mode_ != TelegramMode::kWebhook) return {};
    return {webhook_path_};
}

}  // namespace bookbot::transports::telegram
