#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bookbot/core/clock.hpp"

// Bot API answers → typed values. Pure functions.
namespace bookbot::transports::telegram {

// What one Bot API call came back with.
struct ApiResult {
    int http_status = 0;
    bool ok = false;  // HTTP 2xx and {"ok":true}
    // ok: the whole answer, {"ok":true,"result":…}, as received (valid JSON).
    // Kept whole rather than re-serialized: most answers (sendMessage,
    // editMessageText) need nothing more from it than the line below.
    std::string answer;
    // ok and the result is a Message (sendMessage): its message_id; absent
    // when unreadable (the message was sent all the same).
    std::optional<std::int64_t> message_id;
    // Not ok: Telegram's error_code, or the HTTP status when the body has none.
    int error_code = 0;
    // Not ok: Telegram's description ("Forbidden: bot was blocked by the
    // user"), cut to 300 bytes; for a body that is not Bot API JSON (an HTML
    // 502 from a proxy) a note of its status and size, never its content,
    // which might echo the request path and with it the token.
    std::string description;
    std::optional<int> retry_after;  // seconds (parameters.retry_after, 429)
    std::optional<std::int64_t> migrate_to_chat_id;
};

// Never throws for any status or body.
ApiResult ParseApiResult(int http_status, std::string_view body);

// The "result" value of an ok answer (ApiResult::answer) as JSON text.
std::string ResultJson(std::string_view answer);

struct BotUser {
    std::int64_t id = 0;
    std::string username;  // without "@"
    std::string first_name;
};

struct WebhookInfo {
    std::string url;  // empty: no webhook (long polling)
    bool has_custom_certificate = false;
    std::int64_t pending_update_count = 0;
    std::string ip_address;
    std::optional<core::TimePoint> last_error_date;
    std::string last_error_message;
    std::optional<core::TimePoint> last_synchronization_error_date;
    int max_connections = 0;
    std::vector<std::string> allowed_updates;
};

// Parse the `result` of getMe / getWebhookInfo; throw CodecError when the
// required fields (id; url and pending_update_count) are missing or mistyped.
BotUser ParseBotUser(std::string_view result_json);
WebhookInfo ParseWebhookInfo(std::string_view result_json);

}  // namespace bookbot::transports::telegram
