#include "bookbot/transports/telegram/api_result.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <vector>

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

// The members of an answer ParseApiResult reads, taken while nlohmann walks
// it, without building its tree: a sendMessage answer echoes the whole
// message, and building it to read two members was 3 % of serve's CPU. The
// same values as reading a tree: a member of the wrong type is absent, and of
// members named twice the last counts.
class AnswerMembers final : public json::Sax {
public:
    std::optional<bool> ok;
    std::optional<std::int64_t> error_code;
    std::optional<std::string> description;
    std::optional<std::int64_t> message_id;          // result.message_id
    std::optional<std::int64_t> retry_after;         // parameters.retry_after
    std::optional<std::int64_t> migrate_to_chat_id;  // parameters.migrate_to_chat_id

    bool null() override { return true; }
    bool boolean(bool value) override {
        if (Here() == Field::kOk) ok = value;
        return true;
    }
    bool number_integer(number_integer_t value) override {
        SetInteger(value);
        return true;
    }
    bool number_unsigned(number_unsigned_t value) override {
        if (value <= static_cast<number_unsigned_t>(std::numeric_limits<std::int64_t>::max())) {
            SetInteger(static_cast<std::int64_t>(value));
        }
        return true;
    }
    bool number_float(number_float_t /*value*/, const string_t& /*text*/) override { return true; }
    bool string(string_t& value) override {
        if (Here() == Field::kDescription) description = value;
        return true;
    }
    bool binary(binary_t& /*value*/) override { return true; }
    bool start_object(std::size_t /*size*/) override {
        open_.push_back({true, {}});
        return true;
    }
    bool key(string_t& name) override {
        open_.back().key = name;
        // A member named again replaces what its earlier value set.
        const Field here = Here();
        if (here == Field::kOk) ok.reset();
        if (here == Field::kDescription) description.reset();
        if (std::optional<std::int64_t>* integer = Integer(here)) integer->reset();
        if (open_.size() == 1 && open_.back().key == "result") message_id.reset();
        if (open_.size() == 1 && open_.back().key == "parameters") {
            retry_after.reset();
            migrate_to_chat_id.reset();
        }
        return true;
    }
    bool end_object() override {
        open_.pop_back();
        return true;
    }
    bool start_array(std::size_t /*size*/) override {
        open_.push_back({false, {}});
        return true;
    }
    bool end_array() override {
        open_.pop_back();
        return true;
    }
    bool parse_error(std::size_t /*position*/, const std::string& /*token*/,
                     const nlohmann::detail::exception& /*error*/) override {
        return false;
    }

private:
    enum class Field { kNone, kOk, kErrorCode, kDescription, kMessageId, kRetryAfter, kMigrateTo };
    struct Open {
        bool object;
        std::string key;  // the member being read (objects)
    };

    // Which member the value being read is, by its path from the top.
    Field Here() const {
        if (open_.empty() || !open_[0].object) return Field::kNone;
        const std::string& top = open_[0].key;
        if (open_.size() == 1) {
            if (top == "ok") return Field::kOk;
            if (top == "error_code") return Field::kErrorCode;
            if (top == "description") return Field::kDescription;
            return Field::kNone;
        }
        if (open_.size() != 2 || !open_[1].object) return Field::kNone;
        const std::string& inner = open_[1].key;
        if (top == "result" && inner == "message_id") return Field::kMessageId;
        if (top == "parameters" && inner == "retry_after") return Field::kRetryAfter;
        if (top == "parameters" && inner == "migrate_to_chat_id") return Field::kMigrateTo;
        return Field::kNone;
    }

    // The integer member `field` is, or nullptr.
    std::optional<std::int64_t>* Integer(Field field) {
        switch (field) {
            case Field::kErrorCode:
                return &error_code;
            case Field::kMessageId:
                return &message_id;
            case Field::kRetryAfter:
                return &retry_after;
            case Field::kMigrateTo:
                return &migrate_to_chat_id;
            default:
                return nullptr;
        }
    }

    void SetInteger(std::int64_t value) {
        if (std::optional<std::int64_t>* integer = Integer(Here())) *integer = value;
    }

    std::vector<Open> open_;  // the containers the walk is in, outermost first
};

}  // namespace

ApiResult ParseApiResult(int http_status, std::string_view body) {
    ApiResult result;
    result.http_status = http_status;
    AnswerMembers answer;
    try {
        if (!json::SaxParseBounded(body, kMaxResponseBytes, "Bot API answer", answer)) {
            return NotBotApiJson(std::move(result), body.size());
        }
    } catch (const CodecError&) {
        return NotBotApiJson(std::move(result), body.size());
    }
    if (!answer.ok) return NotBotApiJson(std::move(result), body.size());

    const bool success_status = http_status >= 200 && http_status < 300;
    if (*answer.ok && success_status) {
        result.ok = true;
        result.answer = std::string(body);
        result.message_id = answer.message_id;
        return result;
    }
    const auto code = answer.error_code;
    result.error_code = code && *code > 0 && *code < 1000 ? static_cast<int>(*code) : http_status;
    result.description =
        answer.description ? std::string(utf8::CutBytes(*answer.description, kMaxDescriptionBytes))
                           : "HTTP " + std::to_string(http_status);
    if (answer.retry_after) {
        result.retry_after = static_cast<int>(
            std::clamp<std::int64_t>(*answer.retry_after, 0, kMaxRetryAfterSeconds));
    }
    result.migrate_to_chat_id = answer.migrate_to_chat_id;
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
