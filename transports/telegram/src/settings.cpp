#include "bookbot/transports/telegram/settings.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "bookbot/transports/telegram/secret.hpp"

namespace bookbot::transports::telegram {

std::vector<Setting> ConnectionSettings(TelegramSettings& settings) {
    std::vector<Setting> list;
    list.push_back({.flag = "--telegram-token-file",
                    .env = "TELEGRAM_BOT_TOKEN_FILE",
                    .help = "File whose first line is the bot token (else the environment "
                            "variable TELEGRAM_BOT_TOKEN)",
                    .value = &settings.token_file,
                    .show_default = false});
    list.push_back({.flag = "--telegram-api",
                    .env = "TELEGRAM_API_BASE_URL",
                    .help = "Bot API base URL (a local Bot API server, or a fake in tests; plain "
                            "http only for loopback)",
                    .value = &settings.api_base_url});
    return list;
}

void ResolveTelegramSettings(TelegramSettings& settings, const SecretSink& secrets) {
    if (const char* token = std::getenv(kEnvTelegramToken); token != nullptr && *token != '\0') {
        settings.token = token;
    } else if (!settings.token_file.empty()) {
        std::ifstream file(settings.token_file);
        if (!file || !std::getline(file, settings.token) || settings.token.empty()) {
            throw std::invalid_argument(
                "cannot read a bot token from " + settings.token_file +
                ": the file must exist and hold the token on its first line");
        }
        while (!settings.token.empty() &&
               (settings.token.back() == '\r' || settings.token.back() == ' ')) {
            settings.token.pop_back();
        }
    }
    secrets(settings.token);
    if (const char* secret = std::getenv("TELEGRAM_WEBHOOK_SECRET"); secret != nullptr) {
        settings.webhook_secret = secret;
    }
    if (!settings.webhook_secret.empty()) {
        secrets(settings.webhook_secret);
        if (!ValidSecretToken(settings.webhook_secret)) {
            throw std::invalid_argument(
                "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - "
                "(Telegram's rule); e.g. generate one with: openssl rand -hex 32");
        }
    }
}

void RequireTelegramToken(TelegramSettings& settings, const SecretSink& secrets) {
    ResolveTelegramSettings(settings, secrets);
    if (!settings.HasToken()) {
        throw std::invalid_argument(
            "no Telegram bot token: set TELEGRAM_BOT_TOKEN or pass --telegram-token-file FILE "
            "(get a token from @BotFather)");
    }
}

TelegramMode PickTelegramMode(const std::string& option, const TelegramSettings& settings) {
    if (option == "off" || (option == "auto" && !settings.HasToken())) return TelegramMode::kOff;
    if (option == "polling") return TelegramMode::kPolling;
    if (option == "webhook") return TelegramMode::kWebhook;
    return settings.webhook_secret.empty() ? TelegramMode::kPolling : TelegramMode::kWebhook;
}

TelegramConnection ConnectTelegram(const TelegramSettings& settings, const core::Clock& clock,
                                   std::chrono::milliseconds request_timeout) {
    http::ClientOptions options;
    options.request_timeout = request_timeout;
    TelegramConnection connection;
    connection.client = std::make_unique<http::Client>(settings.api_base_url, options);
    connection.api = std::make_unique<BotApi>(*connection.client, settings.token, clock);
    return connection;
}

}  // namespace bookbot::transports::telegram
