#include "doctor.hpp"

#include <optional>
#include <stdexcept>

namespace bookbot::transports::telegram {
namespace {

using Status = CheckResult::Status;

constexpr auto* Ok = &CheckResult::Ok;
constexpr auto* Fail = &CheckResult::Fail;
constexpr auto* Skip = &CheckResult::Skip;

struct Options {
    TelegramSettings& telegram;
    const std::string& telegram_mode;
    std::chrono::milliseconds timeout;
    const SecretSink& secrets;
    const core::Clock& clock;
};

// What the token check learns that the webhook check needs.
struct Findings {
    std::optional<TelegramConnection> telegram;
};

std::string DescribeBotApiError(const BotApiError& e) {
    if (e.kind() == BotApiError::Kind::kApi &&
        (e.result().error_code == 401 || e.result().error_code == 404)) {
        return "Telegram rejected the token (" + std::to_string(e.result().error_code) + " " +
               e.result().description + ")";
    }
    return e.what();
}

CheckResult CheckTelegramToken(Options& options, Findings& found) {
    const char* kCheck = "telegram token";
    const std::string fix_settings =
        "correct TELEGRAM_BOT_TOKEN / --telegram-token-file (the token comes from @BotFather)";
    if (options.telegram_mode == "off") return Skip(kCheck, "--telegram off");
    try {
        ResolveTelegramSettings(options.telegram, options.secrets);
    } catch (const std::invalid_argument& e) {
        return Fail(kCheck, e.what(), "correct the setting named");
    }
    if (!options.telegram.HasToken()) {
        if (options.telegram_mode == "auto") {
            return Skip(kCheck,
                        "no token configured (TELEGRAM_BOT_TOKEN or "
                        "--telegram-token-file): serve runs without Telegram");
        }
        return Fail(kCheck, "--telegram " + options.telegram_mode + " but no token configured",
                    "set TELEGRAM_BOT_TOKEN or pass --telegram-token-file FILE");
    }
    try {
        found.telegram = ConnectTelegram(options.telegram, options.clock, options.timeout);
    } catch (const std::exception& e) {
        return Fail(kCheck, e.what(), fix_settings + "; check --telegram-api");
    }
    try {
        const BotUser bot = found.telegram->api->GetMe();
        return Ok(kCheck, "bot @" + bot.username + " (id " + std::to_string(bot.id) + ")");
    } catch (const BotApiError& e) {
        found.telegram.reset();
        return Fail(kCheck, DescribeBotApiError(e),
                    e.kind() == BotApiError::Kind::kApi
                        ? fix_settings
                        : "check the network (and any proxy) to " + options.telegram.api_base_url +
                              ", or --telegram-api");
    } catch (const std::exception& e) {
        found.telegram.reset();
        return Fail(kCheck, e.what(), "check --telegram-api: it should be the Bot API");
    }
}

std::string WebhookState(const WebhookInfo& info) {
    std::string state = info.url.empty() ? "no webhook set" : "webhook " + info.url;
    state += ", " + std::to_string(info.pending_update_count) + " pending update(s)";
    if (!info.last_error_message.empty()) state += ", last error: " + info.last_error_message;
    return state;
}

CheckResult CheckTelegramWebhook(const Options& options, const Findings& found) {
    const char* kCheck = "telegram webhook";
    if (!found.telegram) return Skip(kCheck, "no working Telegram token");
    const TelegramMode mode = PickTelegramMode(options.telegram_mode, options.telegram);
    if (mode == TelegramMode::kWebhook && options.telegram.webhook_secret.empty()) {
        return Fail(kCheck, "--telegram webhook but no TELEGRAM_WEBHOOK_SECRET",
                    "set TELEGRAM_WEBHOOK_SECRET to the secret given to `bookbot telegram "
                    "set-webhook`");
    }
    WebhookInfo info;
    try {
        info = found.telegram->api->GetWebhookInfo();
    } catch (const BotApiError& e) {
        return Fail(kCheck, e.what(), "run `bookbot telegram webhook-info` to see more");
    }
    const std::string state = WebhookState(info);
    if (mode == TelegramMode::kWebhook && info.url.empty()) {
        return Fail(kCheck,
                    state + ", but TELEGRAM_WEBHOOK_SECRET is set, so serve expects a webhook",
                    "run `bookbot telegram set-webhook --url https://…`, or unset "
                    "TELEGRAM_WEBHOOK_SECRET to use long polling");
    }
    if (mode == TelegramMode::kPolling && !info.url.empty()) {
        return Fail(kCheck,
                    state +
                        ", but serve would use long polling (no TELEGRAM_WEBHOOK_SECRET), "
                        "which Telegram refuses while a webhook is set",
                    "run `bookbot telegram delete-webhook`, or set TELEGRAM_WEBHOOK_SECRET to "
                    "serve the webhook");
    }
    if (mode == TelegramMode::kWebhook && !info.last_error_message.empty() &&
        info.pending_update_count > 0) {
        return Fail(kCheck, state + ": Telegram cannot deliver updates",
                    "check that the webhook URL reaches `bookbot serve` (TLS, proxy, path "
                    "--webhook-path)");
    }
    const char* expected = mode == TelegramMode::kWebhook ? "webhook" : "long polling";
    return Ok(kCheck, state + " (serve: " + expected + ")");
}

}  // namespace

std::vector<CheckResult> DoctorChecks(TelegramSettings& settings, const std::string& mode_option,
                                      std::chrono::milliseconds timeout, const SecretSink& secrets,
                                      const core::Clock& clock) {
    Options options{settings, mode_option, timeout, secrets, clock};
    Findings found;
    std::vector<CheckResult> results;
    results.push_back(CheckTelegramToken(options, found));
    results.push_back(CheckTelegramWebhook(options, found));
    return results;
}

}  // namespace bookbot::transports::telegram
