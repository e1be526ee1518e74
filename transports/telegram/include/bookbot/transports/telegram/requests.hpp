#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bookbot/core/commands.hpp"
#include "bookbot/core/messages.hpp"

// Bot API request bodies (JSON text), built from core types. Pure functions.
// Ids are JSON integers (64-bit); text is always valid UTF-8 within
// Telegram's limits; no parse_mode is ever set, so user text is never markup.
namespace bookbot::transports::telegram {

// Telegram counts message length in UTF-16 code units.
inline constexpr std::size_t kMaxMessageText = 4096;
inline constexpr std::size_t kMaxCallbackAnswerText = 200;
inline constexpr std::size_t kMaxCallbackData = 64;  // bytes
inline constexpr std::string_view kEllipsis = "…";
// Sent instead of empty (or whitespace-only) text, which Telegram refuses.
inline constexpr std::string_view kEmptyTextPlaceholder = "…";

// `text` made sendable: invalid UTF-8 replaced by U+FFFD; if longer than
// `max_units` UTF-16 code units, cut on a code point boundary and ended with
// kEllipsis so the result is exactly within the limit; empty or
// whitespace-only text becomes kEmptyTextPlaceholder.
std::string FitText(std::string_view text, std::size_t max_units = kMaxMessageText);

// Number of UTF-16 code units Telegram counts in valid UTF-8 `text`.
std::size_t Utf16Length(std::string_view text);

// sendMessage / editMessageText with the reply's keyboard as inline_keyboard
// (callback_data = button payload; empty rows are dropped; no keyboard: no
// reply_markup, which on an edit removes the old buttons).
// Throws std::length_error for a button payload outside 1–64 bytes and
// std::invalid_argument for one that is not valid UTF-8: the engine made a
// button Telegram cannot carry, a programming error.
std::string SendMessageBody(std::int64_t chat_id, const core::Reply& reply);
std::string EditMessageTextBody(std::int64_t chat_id, std::int64_t message_id,
                                const core::Reply& reply);

// `text` (cut to 200 units) is shown to the user; none or blank: no text.
std::string AnswerCallbackQueryBody(std::string_view callback_query_id,
                                    std::optional<std::string_view> text = {});

// The same call as a webhook reply body: Telegram runs a method named in the
// JSON answer to a webhook request ("method": "answerCallbackQuery"), which
// saves a separate Bot API request; its outcome is not reported back.
std::string AnswerCallbackQueryWebhookReply(std::string_view callback_query_id);

// The update types bookbot handles; everything else is not even delivered.
std::vector<std::string> DefaultAllowedUpdates();

struct WebhookSettings {
    std::string url;           // the public HTTPS URL Telegram posts to
    std::string secret_token;  // sent back in X-Telegram-Bot-Api-Secret-Token
    std::vector<std::string> allowed_updates = DefaultAllowedUpdates();
    bool drop_pending_updates = false;
};

// Throws std::invalid_argument for an empty URL or a secret token that
// ValidSecretToken refuses (the message never contains the token).
std::string SetWebhookBody(const WebhookSettings& settings);
std::string DeleteWebhookBody(bool drop_pending_updates);

// setMyCommands: the bot's command menu, {"commands": [{command, description}]}.
// Throws std::invalid_argument for an empty list, a command that is not 1-32
// of a-z 0-9 _, or a description that is not 1-256 characters.
std::string SetMyCommandsBody(const std::vector<core::CommandEntry>& commands);

// The long-poll timeout is clamped to 0–50 s (Telegram's cap) and the limit
// to 1–100.
inline constexpr int kMaxLongPollSeconds = 50;
std::string GetUpdatesBody(std::int64_t offset, int timeout_seconds, int limit,
                           const std::vector<std::string>& allowed_updates);

}  // namespace bookbot::transports::telegram
