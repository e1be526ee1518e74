#include "bookbot/transports/whatsapp/graph_result.hpp"

#include <algorithm>

#include "shared.hpp"

namespace bookbot::transports::whatsapp {
namespace {

using json::Json;
using json::Member;
using json::ObjectMember;
using json::String;

constexpr std::size_t kMaxAnswerBytes = std::size_t{1024} * 1024;

GraphResult NotGraphJson(GraphResult result, std::size_t body_size) {
    result.code = result.http_status;
    result.message = "HTTP " + std::to_string(result.http_status) +
                     " with a body that is not Graph API JSON (" + std::to_string(body_size) +
                     " bytes)";
    return result;
}

std::optional<int> SmallInt(const Json* value) {
    const auto number = json::Int64(value);
    if (!number || *number < 0 || *number > 100'000'000) return std::nullopt;
    return static_cast<int>(*number);
}

}  // namespace

GraphResult ParseGraphResult(int http_status, std::string_view body) {
    GraphResult result;
    result.http_status = http_status;
    const bool success_status = http_status >= 200 && http_status < 300;
    Json answer;
    try {
        answer = ParseJson(body, kMaxAnswerBytes, "Graph API answer");
    } catch (const CodecError&) {
        if (success_status) {
            result.ok = true;
            result.body = std::string(body);
            return result;
        }
        return NotGraphJson(std::move(result), body.size());
    }
    const Json* error = ObjectMember(answer, "error");
    if (success_status && error == nullptr) {
        result.ok = true;
        result.body = std::string(body);
        return result;
    }
    if (error == nullptr) return NotGraphJson(std::move(result), body.size());
    result.code = SmallInt(Member(*error, "code")).value_or(http_status);
    result.subcode = SmallInt(Member(*error, "error_subcode"));
    std::string message =
        String(Member(*error, "message")).value_or("HTTP " + std::to_string(http_status));
    if (const Json* data = ObjectMember(*error, "error_data")) {
        if (const auto details = String(Member(*data, "details"))) message += ": " + *details;
    }
    result.message = std::string(utf8::CutBytes(message, kMaxErrorBytes));
    return result;
}

std::optional<std::string> ParseSentMessageId(std::string_view body) {
    try {
        const Json answer = ParseJson(body, kMaxAnswerBytes, "send answer");
        const Json* messages = Member(answer, "messages");
        if (messages == nullptr || !messages->is_array() || messages->empty()) return std::nullopt;
        auto id = String(Member(messages->front(), "id"));
        if (!id || id->empty() || id->size() > kMaxIdBytes) return std::nullopt;
        return id;
    } catch (const CodecError&) {
        return std::nullopt;
    }
}

PhoneNumber ParsePhoneNumber(std::string_view body) {
    const Json answer = ParseJson(body, kMaxAnswerBytes, "phone number");
    const auto id = String(Member(answer, "id"));
    if (!id || id->empty()) throw CodecError("phone number: missing id");
    PhoneNumber number;
    number.id = *id;
    number.display_phone_number = String(Member(answer, "display_phone_number")).value_or("");
    number.verified_name = String(Member(answer, "verified_name")).value_or("");
    return number;
}

}  // namespace bookbot::transports::whatsapp
