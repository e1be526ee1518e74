#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bookbot/core/clock.hpp"
#include "bookbot/transports/http/client.hpp"
#include "bookbot/transports/platform/platform.hpp"
#include "bookbot/transports/telegram/bot_api.hpp"

namespace bookbot::transports::telegram {

// Where Telegram settings come from, shared by `serve`, `doctor` and the
// `telegram …` commands. The token is read from the environment or a file,
// never from the command line (where `ps` would show it), and is masked in
// every log line.
struct TelegramSettings {
    std::string token_file;                                 // --telegram-token-file
    std::string api_base_url = "https://api.telegram.org";  // TELEGRAM_API_BASE_URL
    std::string webhook_secret;                             // TELEGRAM_WEBHOOK_SECRET

    // After ResolveTelegramSettings(): the token (TELEGRAM_BOT_TOKEN or the
    // file's first line).
    std::string token;

    bool HasToken() const { return !token.empty(); }
};

inline constexpr const char* kEnvTelegramToken = "TELEGRAM_BOT_TOKEN";

// --telegram-token-file and --telegram-api, bound to `settings`: what every
// command that talks to the Bot API takes.
std::vector<Setting> ConnectionSettings(TelegramSettings& settings);

// Reads the token (env, then file), checks the webhook secret's shape when one
// is given, and hands both to `secrets`. Throws std::invalid_argument saying
// what is wrong and how to fix it.
void ResolveTelegramSettings(TelegramSettings& settings, const SecretSink& secrets);

// The same, but a missing token is an error naming both ways to give one.
void RequireTelegramToken(TelegramSettings& settings, const SecretSink& secrets);

// How `serve` runs Telegram, from its --telegram option (auto, webhook,
// polling, off) and the resolved settings: auto is webhook when a webhook
// secret is set, long polling when only a token is, off without a token.
// Checks nothing (serve refuses a webhook without a secret; doctor reports it).
enum class TelegramMode { kOff, kWebhook, kPolling };
TelegramMode PickTelegramMode(const std::string& option, const TelegramSettings& settings);

// A client and API for the settings (the client must outlive the API).
struct TelegramConnection {
    std::unique_ptr<http::Client> client;
    std::unique_ptr<BotApi> api;
};
TelegramConnection ConnectTelegram(const TelegramSettings& settings, const core::Clock& clock,
                                   std::chrono::milliseconds request_timeout);

}  // namespace bookbot::transports::telegram
