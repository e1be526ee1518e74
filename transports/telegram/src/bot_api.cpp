#include "bookbot/transports/telegram/bot_api.hpp"

#include <algorithm>

namespace bookbot::transports::telegram {
namespace {

bool TokenShaped(std::string_view token) {
    const std::size_t colon = token.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon + 1 == token.size()) return false;
    const std::string_view bot_id = token.substr(0, colon);
    const std::string_view secret = token.substr(colon + 1);
    return std::all_of(bot_id.begin(), bot_id.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
           std::all_of(secret.begin(), secret.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
           });
}

void ReplaceAll(std::string& text, std::string_view what, std::string_view with) {
    if (what.empty()) return;
    for (std::size_t pos = text.find(what); pos != std::string::npos;
         pos = text.find(what, pos + with.size())) {
        text.replace(pos, what.size(), with);
    }
}

std::string Prefix(std::string_view method) { return "telegram " + std::string(method) + ": "; }

// Runs `parse` on an ok answer; a result it cannot read becomes a kResponse
// BotApiError (BotApiErrors from the call itself pass through).
template <typename Parse>
auto ParseOk(const BotApi& api, std::string_view method, Parse parse) -> decltype(parse()) {
    try {
        return parse();
    } catch (const CodecError& e) {
        throw BotApiError(BotApiError::Kind::kResponse, std::string(method),
                          api.Redact(Prefix(method) + e.what()));
    }
}

}  // namespace

BotApi::BotApi(PostJson post, std::string token, const core::Clock& clock)
    : post_(std::move(post)), token_(std::move(token)), clock_(clock) {
    if (!TokenShaped(token_)) {
        throw std::invalid_argument(
            "telegram: the bot token is not shaped like <digits>:<letters, digits, _ or ->");
    }
}

std::string BotApi::Redact(std::string text) const {
    ReplaceAll(text, token_, "<token>");
    // The secret half alone is as good as the token; short ones (test tokens)
    // would match ordinary words, and real ones are 35 characters.
    const std::string_view secret = std::string_view(token_).substr(token_.find(':') + 1);
    if (secret.size() >= 16) ReplaceAll(text, secret, "<token>");
    return text;
}

ApiResult BotApi::Call(std::string_view method, const std::string& body,
                       std::optional<std::chrono::milliseconds> timeout) const {
    const std::string path = "/bot" + token_ + "/" + std::string(method);
    http::ClientResponse response;
    try {
        response = post_(path, body, timeout);
    } catch (const http::HttpError& e) {
        throw BotApiError(BotApiError::Kind::kTransport, std::string(method),
                          Redact(Prefix(method) + e.what()), {}, e.kind());
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        throw BotApiError(BotApiError::Kind::kTransport, std::string(method),
                          Redact(Prefix(method) + e.what()));
    }
    ApiResult result = ParseApiResult(response.status, response.body);
    if (!result.ok) {
        result.description = Redact(std::move(result.description));
        std::string message =
            Prefix(method) + std::to_string(result.error_code) + " " + result.description;
        if (result.retry_after) {
            message += " (retry after " + std::to_string(*result.retry_after) + " s)";
        }
        throw BotApiError(BotApiError::Kind::kApi, std::string(method), message, std::move(result));
    }
    return result;
}

BotUser BotApi::GetMe() const {
    return ParseOk(*this, "getMe",
                   [&] { return ParseBotUser(ResultJson(Call("getMe", "{}").answer)); });
}

void BotApi::SetWebhook(const WebhookSettings& settings) const {
    Call("setWebhook", SetWebhookBody(settings));
}

void BotApi::DeleteWebhook(bool drop_pending_updates) const {
    Call("deleteWebhook", DeleteWebhookBody(drop_pending_updates));
}

void BotApi::SetMyCommands(const std::vector<core::CommandEntry>& commands) const {
    Call("setMyCommands", SetMyCommandsBody(commands));
}

WebhookInfo BotApi::GetWebhookInfo() const {
    return ParseOk(*this, "getWebhookInfo", [&] {
        return ParseWebhookInfo(ResultJson(Call("getWebhookInfo", "{}").answer));
    });
}

std::vector<ParsedUpdate> BotApi::GetUpdates(
    std::int64_t offset, int timeout_seconds, int limit,
    const std::vector<std::string>& allowed_updates) const {
    const int poll = std::clamp(timeout_seconds, 0, kMaxLongPollSeconds);
    const std::chrono::milliseconds http_timeout = std::chrono::seconds(poll) + kLongPollMargin;
    const ApiResult result =
        Call("getUpdates", GetUpdatesBody(offset, poll, limit, allowed_updates), http_timeout);
    return ParseOk(*this, "getUpdates",
                   [&] { return ParseGetUpdates(result.answer, clock_.Now()); });
}

std::optional<std::int64_t> BotApi::SendMessage(std::int64_t chat_id,
                                                const core::Reply& reply) const {
    return Call("sendMessage", SendMessageBody(chat_id, reply)).message_id;
}

void BotApi::EditMessageText(std::int64_t chat_id, std::int64_t message_id,
                             const core::Reply& reply) const {
    Call("editMessageText", EditMessageTextBody(chat_id, message_id, reply));
}

void BotApi::AnswerCallbackQuery(std::string_view callback_query_id,
                                 std::optional<std::string_view> text) const {
    Call("answerCallbackQuery", AnswerCallbackQueryBody(callback_query_id, text));
}

}  // namespace bookbot::transports::telegram
