#pragma once

#include <optional>
#include <string>
#include <string_view>

// Graph API answers → typed values. Pure functions.
namespace bookbot::transports::whatsapp {

// What one Graph API call came back with. Never holds the token.
struct GraphResult {
    int http_status = 0;
    bool ok = false;   // HTTP 2xx and no "error" object
    std::string body;  // ok: the answer as received
    // Not ok: error.code (Graph's, e.g. 131047), or the HTTP status when the
    // body has none; error.error_subcode when present.
    int code = 0;
    std::optional<int> subcode;
    // Not ok: "<message>: <error_data.details>", cut to 300 bytes; for a body
    // that is not Graph JSON, a note of its status and size, never its content.
    std::string message;
};

// Never throws for any status or body.
GraphResult ParseGraphResult(int http_status, std::string_view body);

// The wamid in a send's answer ({"messages":[{"id":"wamid…"}]}), or nullopt.
std::optional<std::string> ParseSentMessageId(std::string_view body);

struct PhoneNumber {
    std::string id;
    std::string display_phone_number;
    std::string verified_name;
};
// The answer of GET /{version}/{phone-number-id}; throws CodecError without an id.
PhoneNumber ParsePhoneNumber(std::string_view body);

}  // namespace bookbot::transports::whatsapp
