#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/messages.hpp"
#include "bookbot/transports/common/codec_error.hpp"

// Telegram updates (webhook bodies and getUpdates answers) → core types. Pure
// functions: no I/O, no clock, safe on any input. Request bodies are in
// requests.hpp, Bot API answers in api_result.hpp.
namespace bookbot::transports::telegram {

inline constexpr std::string_view kPlatform = "telegram";

// Budgets for one JSON document. A webhook update is a few KiB; a getUpdates
// answer holds up to 100 of them. Deeper nesting than kMaxJsonDepth is hostile.
inline constexpr std::size_t kMaxUpdateBytes = std::size_t{1024} * 1024;
inline constexpr std::size_t kMaxResponseBytes = std::size_t{8} * 1024 * 1024;
using transports::kMaxJsonDepth;

// A body that cannot be an update: not JSON, over budget, too deeply nested,
// no usable update_id. The webhook answers 400 (shared by every platform).
using transports::CodecError;

struct ParsedUpdate {
    enum class Kind {
        kInbound,    // `inbound` is for the engine
        kIgnored,    // nothing to do (see `reason`); still acknowledged
        kBlocked,    // the user blocked the bot (my_chat_member "kicked")
        kUnblocked,  // the user unblocked or restarted it (my_chat_member "member")
    };

    Kind kind = Kind::kIgnored;
    // Always set by ParseUpdate. Empty only for a getUpdates item whose id was
    // unreadable (kIgnored, reason "malformed").
    std::optional<std::int64_t> update_id;
    // kInbound: the whole update. kBlocked / kUnblocked: platform,
    // external_id, user_id, chat_id, `at` and `event` (kind and payload
    // unused); the engine handles all three alike.
    core::Inbound inbound;
    // Set for every callback_query with a readable id, ignored ones included:
    // answer it at once so the user's button stops spinning.
    std::string callback_query_id;
    // kIgnored: a short reason for the log ("edited_message", "group chat",
    // "malformed: message.chat.id", …); never a copy of user content.
    std::string reason;
};

// One update (a webhook body). `received_at` becomes `inbound.at`.
//   message in a private chat: text → kText; photo, sticker, voice, document,
//     location… → kUnsupported with the kind's name as payload; a service
//     message (pinned, new members…) → kIgnored.
//   callback_query on a message in a private chat → kButton: payload = data,
//     origin_message_id = message.message_id.
//   my_chat_member in a private chat: "kicked" → kBlocked, "member" → kUnblocked.
//   Everything else (edited messages, channel posts, groups, inline queries,
//   unknown update types) → kIgnored. A readable update_id with unusable
//   content → kIgnored "malformed: <field>", so a bad update is acknowledged
//   once instead of being redelivered for a day.
// Throws CodecError for what cannot be acknowledged as an update (see above).
ParsedUpdate ParseUpdate(std::string_view body, core::TimePoint received_at);

// A getUpdates answer: {"ok":true,"result":[update…]}. One item that does not
// parse does not block the others: it comes back as kIgnored "malformed"
// (with its update_id when readable), so the offset moves past it. Throws
// CodecError when the answer itself is malformed or says ok=false (the
// message then carries Telegram's error code and description).
std::vector<ParsedUpdate> ParseGetUpdates(std::string_view body, core::TimePoint received_at);

// The getUpdates offset that confirms every update in `updates`: one past the
// highest update_id, never lower than `current`.
std::int64_t NextOffset(const std::vector<ParsedUpdate>& updates, std::int64_t current);

// A decimal 64-bit id as core carries them ("-1001234567890"), or nullopt.
std::optional<std::int64_t> ParseId(std::string_view decimal);

}  // namespace bookbot::transports::telegram
