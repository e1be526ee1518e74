#include "bookbot/transports/telegram/requests.hpp"

#include <algorithm>
#include <stdexcept>

#include "bookbot/transports/common/json.hpp"
#include "bookbot/transports/common/utf8.hpp"
#include "bookbot/transports/telegram/secret.hpp"

namespace bookbot::transports::telegram {
namespace {

using json::Json;

bool Blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

Json InlineKeyboard(const core::Reply& reply) {
    Json rows = Json::array();
    for (const auto& row : reply.keyboard) {
        Json buttons = Json::array();
        for (const core::Button& button : row) {
            const std::size_t size = button.payload.size();
            if (size == 0 || size > kMaxCallbackData) {
                throw std::length_error("telegram: a button payload must be 1-64 bytes, not " +
                                        std::to_string(size));
            }
            // Replacing a byte would change what the press reports back.
            if (!utf8::Valid(button.payload)) {
                throw std::invalid_argument("telegram: a button payload is not valid UTF-8");
            }
            buttons.push_back({{"text", FitText(button.label)}, {"callback_data", button.payload}});
        }
        if (!buttons.empty()) rows.push_back(std::move(buttons));
    }
    return rows;
}

// The fields sendMessage and editMessageText share.
Json MessageFields(std::int64_t chat_id, const core::Reply& reply) {
    Json body = {{"chat_id", chat_id}, {"text", FitText(reply.text)}};
    Json keyboard = InlineKeyboard(reply);
    if (!keyboard.empty()) body["reply_markup"] = {{"inline_keyboard", std::move(keyboard)}};
    return body;
}

}  // namespace

std::string FitText(std::string_view text, std::size_t max_units) {
    if (Blank(text)) return std::string(kEmptyTextPlaceholder);
    const std::size_t ellipsis_units = Utf16Length(kEllipsis);
    std::string out;
    out.reserve(std::min(text.size(), 4 * max_units));
    std::size_t units = 0;
    std::size_t cut = 0;  // bytes of `out` that still leave room for the ellipsis
    for (std::size_t pos = 0; pos < text.size();) {
        const utf8::Decoded d = utf8::DecodeAt(text, pos);
        pos += d.length;
        units += utf8::Utf16Units(d.code_point);
        if (units > max_units) {
            out.resize(cut);
            out += kEllipsis;
            return out;
        }
        utf8::Append(out, d.code_point);
        if (units + ellipsis_units <= max_units) cut = out.size();
    }
    return out;
}

std::size_t Utf16Length(std::string_view text) {
    std::size_t units = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        const utf8::Decoded d = utf8::DecodeAt(text, pos);
        pos += d.length;
        units += utf8::Utf16Units(d.code_point);
    }
    return units;
}

std::string SendMessageBody(std::int64_t chat_id, const core::Reply& reply) {
    return json::Dump(MessageFields(chat_id, reply));
}

std::string EditMessageTextBody(std::int64_t chat_id, std::int64_t message_id,
                                const core::Reply& reply) {
    Json body = MessageFields(chat_id, reply);
    body["message_id"] = message_id;
    return json::Dump(body);
}

std::string AnswerCallbackQueryBody(std::string_view callback_query_id,
                                    std::optional<std::string_view> text) {
    Json body = {{"callback_query_id", std::string(callback_query_id)}};
    if (text && !Blank(*text)) body["text"] = FitText(*text, kMaxCallbackAnswerText);
    return json::Dump(body);
}

std::string AnswerCallbackQueryWebhookReply(std::string_view callback_query_id) {
    return json::Dump(Json{{"method", "answerCallbackQuery"},
                           {"callback_query_id", std::string(callback_query_id)}});
}

std::vector<std::string> DefaultAllowedUpdates() {
    return {"message", "callback_query", "my_chat_member"};
}

std::string SetWebhookBody(const WebhookSettings& settings) {
    if (settings.url.empty()) throw std::invalid_argument("telegram: the webhook URL is empty");
    if (!ValidSecretToken(settings.secret_token)) {
        throw std::invalid_argument(
            "telegram: the webhook secret token must be 1-256 characters of A-Z a-z 0-9 _ -");
    }
    const Json body = {{"url", settings.url},
                       {"secret_token", settings.secret_token},
                       {"allowed_updates", settings.allowed_updates},
                       {"drop_pending_updates", settings.drop_pending_updates}};
    return json::Dump(body);
}

std::string DeleteWebhookBody(bool drop_pending_updates) {
    return json::Dump(Json{{"drop_pending_updates", drop_pending_updates}});
}

std::string SetMyCommandsBody(const std::vector<core::CommandEntry>& commands) {
    if (commands.empty()) throw std::invalid_argument("telegram: no commands to register");
    Json list = Json::array();
    for (const core::CommandEntry& c : commands) {
        if (c.command.empty() || c.command.size() > 32 ||
            c.command.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") !=
                std::string::npos) {
            throw std::invalid_argument("telegram: command '" + c.command +
                                        "' must be 1-32 of a-z 0-9 _");
        }
        std::size_t characters = 0;  // 0 also for invalid UTF-8
        if (utf8::Valid(c.description)) {
            for (std::size_t pos = 0; pos < c.description.size(); ++characters) {
                pos += utf8::DecodeAt(c.description, pos).length;
            }
        }
        if (characters < 1 || characters > 256) {
            throw std::invalid_argument("telegram: the description of /" + c.command +
                                        " must be 1-256 characters of UTF-8");
        }
        list.push_back({{"command", c.command}, {"description", c.description}});
    }
    return json::Dump(Json{{"commands", list}});
}

std::string GetUpdatesBody(std::int64_t offset, int timeout_seconds, int limit,
                           const std::vector<std::string>& allowed_updates) {
    const Json body = {{"offset", offset},
                       {"timeout", std::clamp(timeout_seconds, 0, kMaxLongPollSeconds)},
                       {"limit", std::clamp(limit, 1, 100)},
                       {"allowed_updates", allowed_updates}};
    return json::Dump(body);
}

}  // namespace bookbot::transports::telegram
