#include "telegram_command.hpp"

#include <cstdio>
#include <memory>

#include "bookbot/core/commands.hpp"
#include "cli_support.hpp"
#include "config.hpp"
#include "telegram_settings.hpp"

namespace bookbot::app {
namespace {

using namespace std::chrono_literals;

struct Options {
    TelegramSettings telegram;
    std::string url;
    bool drop_pending = false;
    std::optional<std::string> config;
};

std::string Date(const std::optional<core::TimePoint>& at) {
    if (!at) return "never";
    return std::to_string(core::ToEpochMillis(*at) / 1000) + " (unix time)";
}

}  // namespace

void AddTelegramCommand(CLI::App& app) {
    CLI::App* telegram = app.add_subcommand(
        "telegram",
        "Manage the Telegram bot's webhook and command menu (needs TELEGRAM_BOT_TOKEN).");
    telegram->require_subcommand(1);
    auto options = std::make_shared<Options>();
    const core::SystemClock clock;

    CLI::App* set = telegram->add_subcommand(
        "set-webhook",
        "Tell Telegram to POST updates to URL (https), with TELEGRAM_WEBHOOK_SECRET as the secret "
        "token `bookbot serve` checks. Then run `bookbot serve` behind that URL.");
    set->add_option("--url", options->url, "Public HTTPS URL, ending in the webhook path")
        ->required();
    set->add_flag("--drop-pending", options->drop_pending,
                  "Discard updates Telegram holds for the bot");
    AddTelegramOptions(*set, options->telegram);
    set->callback([options, clock] {
        RequireTelegramToken(options->telegram);
        if (options->telegram.webhook_secret.empty()) {
            throw std::invalid_argument(
                "set TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -, e.g. `openssl rand -hex "
                "32`) here and for `bookbot serve`: the webhook is refused without it");
        }
        auto connection = ConnectTelegram(options->telegram, clock, 30s);
        transports::telegram::WebhookSettings settings;
        settings.url = options->url;
        settings.secret_token = options->telegram.webhook_secret;
        settings.drop_pending_updates = options->drop_pending;
        connection.api->SetWebhook(settings);
        std::printf("webhook set: %s\n", options->url.c_str());
    });

    CLI::App* remove = telegram->add_subcommand("delete-webhook",
                                                "Remove the webhook (needed before long polling).");
    remove->add_flag("--drop-pending", options->drop_pending,
                     "Discard updates Telegram holds for the bot");
    AddTelegramOptions(*remove, options->telegram);
    remove->callback([options, clock] {
        RequireTelegramToken(options->telegram);
        auto connection = ConnectTelegram(options->telegram, clock, 30s);
        connection.api->DeleteWebhook(options->drop_pending);
        std::printf("webhook deleted\n");
    });

    CLI::App* commands = telegram->add_subcommand(
        "set-commands",
        "Register the customers' commands (/start, /book, /bookings, /cancel, /help) in "
        "Telegram's menu, with the descriptions of the config's [texts] (command_book, …). "
        "`bookbot serve` also does it when it starts.");
    AddConfigOption(*commands, options->config);
    AddTelegramOptions(*commands, options->telegram);
    commands->callback([options, clock] {
        RequireTelegramToken(options->telegram);
        const core::Business business = LoadBusinessOrDemo(options->config);
        const auto menu = core::CustomerCommandMenu(business);
        auto connection = ConnectTelegram(options->telegram, clock, 30s);
        connection.api->SetMyCommands(menu);
        for (const core::CommandEntry& c : menu) {
            std::printf("/%s  %s\n", c.command.c_str(), c.description.c_str());
        }
        std::printf("commands set: %zu\n", menu.size());
    });

    CLI::App* info =
        telegram->add_subcommand("webhook-info", "Show Telegram's view of the webhook.");
    AddTelegramOptions(*info, options->telegram);
    info->callback([options, clock] {
        RequireTelegramToken(options->telegram);
        auto connection = ConnectTelegram(options->telegram, clock, 30s);
        const auto webhook = connection.api->GetWebhookInfo();
        std::printf("url:                  %s\n",
                    webhook.url.empty() ? "(none: long polling)" : webhook.url.c_str());
        std::printf("pending updates:      %lld\n",
                    static_cast<long long>(webhook.pending_update_count));
        std::printf("last error:           %s\n", webhook.last_error_message.empty()
                                                      ? "(none)"
                                                      : webhook.last_error_message.c_str());
        std::printf("last error at:        %s\n", Date(webhook.last_error_date).c_str());
        std::printf("max connections:      %d\n", webhook.max_connections);
    });
}

}  // namespace bookbot::app
