#pragma once

// The JSON, UTF-8 and constant-time helpers every platform shares
// (transports/common), as the WhatsApp sources use them.
#include <string>
#include <string_view>

#include "bookbot/transports/common/constant_time.hpp"
#include "bookbot/transports/common/json.hpp"
#include "bookbot/transports/common/utf8.hpp"
#include "bookbot/transports/whatsapp/codec.hpp"

namespace bookbot::transports::whatsapp {

namespace json = transports::json;
namespace utf8 = transports::utf8;

// json::ParseBounded, plus nlohmann's out_of_range for a number past a double
// ("1e999"), which is not a parse_error and would otherwise escape as a 500.
inline json::Json ParseJson(std::string_view body, std::size_t max_bytes, std::string_view what) {
    try {
        return json::ParseBounded(body, max_bytes, what);
    } catch (const json::Json::exception& e) {
        throw CodecError(std::string(what) + ": unreadable JSON (error " + std::to_string(e.id) +
                         ")");
    }
}

}  // namespace bookbot::transports::whatsapp
