#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "bookbot/core/clock.hpp"
#include "bookbot/transports/http/client.hpp"
#include "bookbot/transports/telegram/bot_api.hpp"

namespace bookbot::app {

// Where Telegram settings come from, shared by `serve`, `telegram …` and
// `doctor`. The token is read from the environment or a file, never from the
// command line (where `ps` would show it), and is masked in every log line.
struct TelegramSettings {
    std::string token_file;                                 // --telegram-token-file
    std::string api_base_url = "https://api.telegram.org";  // TELEGRAM_API_BASE_URL
    std::string webhook_secret;                             // TELEGRAM_WEBHOOK_SECRET

    // After Resolve(): the token (TELEGRAM_BOT_TOKEN or the file's first line).
    std::string token;

    bool HasToken() const { return !token.empty(); }
};

inline constexpr const char* kEnvTelegramToken = "TELEGRAM_BOT_TOKEN";

void AddTelegramOptions(CLI::App& command, TelegramSettings& settings);

// Reads the token (env, then file), checks the webhook secret's shape when one
// is given, and registers both as secrets with the log. Throws
// std::invalid_argument saying what is wrong and how to fix it.
void ResolveTelegramSettings(TelegramSettings& settings);

// The same, but a missing token is an error naming both ways to give one.
void RequireTelegramToken(TelegramSettings& settings);

// How `serve` runs Telegram, from its --telegram option (auto, webhook,
// polling, off) and the resolved settings: auto is webhook when a webhook
// secret is set, long polling when only a token is, off without a token.
// Checks nothing (serve refuses a webhook without a secret; doctor reports it).
enum class TelegramMode { kOff, kWebhook, kPolling };
TelegramMode PickTelegramMode(const std::string& option, const TelegramSettings& settings);

// A client and API for the settings (the client must outlive the API).
struct TelegramConnection {
    std::unique_ptr<transports::http::Client> client;
    std::unique_ptr<transports::telegram::BotApi> api;
};
TelegramConnection ConnectTelegram(const TelegramSettings& settings, const core::Clock& clock,
                                   std::chrono::milliseconds request_timeout);

}  // namespace bookbot::app
