#include "bookbot/transports/telegram/api_result.hpp"

#include <algorithm>
#include <chrono>

#include "bookbot/transports/common/json.hpp"
#include "bookbot/transports/common/utf8.hpp"
#include "bookbot/transports/telegram/codec.hpp"

namespace bookbot::transports::telegram {
namespace {

using json::Int64;
using json::Json;
using json::Member;
using json::String;

constexpr std::size_t kMaxDescriptionBytes = 300;
constexpr std::int64_t kMaxRetryAfterSeconds = std::int64_t{24} * 60 * 60;

ApiResult NotBotApiJson(ApiResult result, std::size_t body_size) {
    result.error_code = result.http_status;
    result.description = "HTTP " + std::to_string(result.http_status) +
                         " with a body that is not Bot API JSON (" + std::to_string(body_size) +
                         " bytes)";
    return result;
}

std::optional<core::TimePoint> UnixDate(const Json* value) {
    const auto seconds = Int64(value);
    if (!seconds || *seconds <= 0) return std::nullopt;
    return core::TimePoint{std::chrono::seconds{*seconds}};
}

Json ParseResult(std::string_view result_json, std::string_view what) {
    Json result = json::ParseBounded(result_json, kMaxResponseBytes, what);
    if (!result.is_object()) throw CodecError(std::string(what) + ": not a JSON object");
    return result;
}

}  // namespace

ApiResult ParseApiResult(int http_status, std::string_view body) {
    ApiResult result;
    result.http_status = http_status;
    Json answer;
    try {
        answer = json::ParseBounded(body, kMaxResponseBytes, "Bot API answer");
    } catch (const CodecError&) {
        return NotBotApiJson(std::move(result), body.size());
    }
    const auto ok = json::Bool(Member(answer, "ok"));
    if (!ok) return NotBotApiJson(std::move(result), body.size());

    const bool success_status = http_status >= 200 && http_status < 300;
    if (*ok && success_status) {
        result.ok = true;
        result.answer = std::string(body);
        if (const Json* message = json::ObjectMember(answer, "result")) {
            result.message_id = Int64(Member(*message, "message_id"));
        }
        return result;
    }
    const auto code = Int64(Member(answer, "error_code"));
    result.error_code = code && *code > 0 && *code < 1000 ? static_cast<int>(*code) : http_status;
    const auto description = String(Member(answer, "description"));
    result.description = description
                             ? std::string(utf8::CutBytes(*description, kMaxDescriptionBytes))
                             : "HTTP " + std::to_string(http_status);
    if (const Json* parameters = json::ObjectMember(answer, "parameters")) {
        if (const auto wait = Int64(Member(*parameters, "retry_after"))) {
            result.retry_after =
                static_cast<int>(std::clamp<std::int64_t>(*wait, 0, kMaxRetryAfterSeconds));
        }
        result.migrate_to_chat_id = Int64(Member(*parameters, "migrate_to_chat_id"));
    }
    return result;
}

BotUser ParseBotUser(std::string_view result_json) {
    const Json user = ParseResult(result_json, "getMe result");
    const auto id = Int64(Member(user, "id"));
    if (!id) throw CodecError("getMe result: missing or invalid id");
    BotUser bot;
    bot.id = *id;
    bot.username = String(Member(user, "username")).value_or("");
    bot.first_name = String(Member(user, "first_name")).value_or("");
    return bot;
}

WebhookInfo ParseWebhookInfo(std::string_view result_json) {
    const Json info = ParseResult(result_json, "getWebhookInfo result");
    const auto url = String(Member(info, "url"));
    const auto pending = Int64(Member(info, "pending_update_count"));
    if (!url || !pending) {
        throw CodecError("getWebhookInfo result: missing url or pending_update_count");
    }
    WebhookInfo out;
    out.url = *url;
    out.pending_update_count = *pending;
    out.has_custom_certificate = json::Bool(Member(info, "has_custom_certificate")).value_or(false);
    out.ip_address = String(Member(info, "ip_address")).value_or("");
    out.last_error_date = UnixDate(Member(info, "last_error_date"));
    out.last_error_message = String(Member(info, "last_error_message")).value_or("");
    out.last_synchronization_error_date = UnixDate(Member(info, "last_synchronization_error_date"));
    const auto max_connections = Int64(Member(info, "max_connections"));
    out.max_connections =
        max_connections ? static_cast<int>(std::clamp<std::int64_t>(*max_connections, 0, 100)) : 0;
    if (const Json* allowed = Member(info, "allowed_updates");
        allowed != nullptr && allowed->is_array()) {
        for (const Json& name : *allowed) {
            if (name.is_string()) out.allowed_updates.push_back(name.get<std::string>());
        }
    }
    return out;
}

std::string ResultJson(std::string_view answer) {
    const Json* value = nullptr;
    Json parsed;
    try {
        parsed = json::ParseBounded(answer, kMaxResponseBytes, "Bot API answer");
        value = Member(parsed, "result");
    } catch (const CodecError&) {
        return "null";  // not from ParseApiResult: it keeps only valid answers
    }
    return value != nullptr ? json::Dump(*value) : "null";
}

}  // namespace bookbot::transports::telegram
