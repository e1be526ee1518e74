// `bookbot telegram …` against the fake Bot API.

#include <catch2/catch.hpp>

#include "run_command.hpp"
#include "telegram_harness.hpp"

namespace bookbot::testing {
namespace {

CommandResult Telegram(const FakeBotApi& api, const std::string& args,
                       const std::string& secret = kWebhookSecret) {
    return RunCommand("TELEGRAM_BOT_TOKEN=" + ShellQuote(kBotToken) +
                      " TELEGRAM_WEBHOOK_SECRET=" + ShellQuote(secret) + " " + BOOKBOT_BINARY +
                      " telegram " + args + " --telegram-api " + ShellQuote(api.BaseUrl()));
}

TEST_CASE("telegram set-webhook, webhook-info and delete-webhook talk to the Bot API",
          "[telegram-cli]") {
    FakeBotApi api(kBotToken);
    const auto set = Telegram(api, "set-webhook --url https://bot.example.com/telegram/webhook");
    CHECK(set.exit_code == 0);
    CHECK(set.output.find("webhook set") != std::string::npos);
    const auto info = Telegram(api, "webhook-info");
    CHECK(info.exit_code == 0);
    CHECK(info.output.find("pending updates") != std::string::npos);
    CHECK(Telegram(api, "delete-webhook --drop-pending").exit_code == 0);
    for (const auto& result : {set, info})
        CHECK(result.output.find(kBotToken) == std::string::npos);
}

TEST_CASE("telegram commands explain a missing token, secret or bad option", "[telegram-cli]") {
    FakeBotApi api(kBotToken);
    const auto no_token = RunCommand(std::string("env -u TELEGRAM_BOT_TOKEN ") + BOOKBOT_BINARY +
                                     " telegram webhook-info --telegram-api " + api.BaseUrl());
    CHECK(no_token.exit_code == 1);
    CHECK(no_token.output.find("TELEGRAM_BOT_TOKEN") != std::string::npos);
    const auto bad_secret = Telegram(api, "set-webhook --url https://x.example/hook", "not valid!");
    CHECK(bad_secret.exit_code == 1);
    CHECK(bad_secret.output.find("TELEGRAM_WEBHOOK_SECRET must be") != std::string::npos);
    CHECK(bad_secret.output.find("not valid!") == std::string::npos);
    CHECK(Telegram(api, "set-webhook").exit_code == 2);  // --url is required
}

}  // namespace
}  // namespace bookbot::testing
