#pragma once

// The JSON, UTF-8 and constant-time helpers every platform needs. They still
// live in transports/telegram/src; the platform seam (issue 10, first half)
// moves them to a shared place, and then only this file changes.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "bookbot/transports/telegram/codec.hpp"
#include "bookbot/transports/telegram/secret.hpp"
#include "bookbot/transports/whatsapp/codec.hpp"
#include "json_util.hpp"
#include "utf8.hpp"

namespace bookbot::transports::whatsapp {

namespace json = telegram::json;
namespace utf8 = telegram::utf8;
using telegram::SecretMatches;

// json::ParseBounded with every failure as a whatsapp CodecError, including
// nlohmann's out_of_range for a number past a double ("1e999"), which is not
// a parse_error.
inline json::Json ParseJson(std::string_view body, std::size_t max_bytes, std::string_view what) {
    try {
        return json::ParseBounded(body, max_bytes, what);
    } catch (const telegram::CodecError& e) {
        throw CodecError(e.what());
    } catch (const json::Json::exception& e) {
        throw CodecError(std::string(what) + ": unreadable JSON (error " + std::to_string(e.id) +
                         ")");
    }
}

}  // namespace bookbot::transports::whatsapp
