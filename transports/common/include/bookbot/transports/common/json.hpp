#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "bookbot/transports/common/codec_error.hpp"

// Bounded parsing and checked access to JSON, for every platform codec's
// sources (Telegram, WhatsApp). Include it from .cpp files only: nlohmann
// never appears in a platform's public header. Every accessor answers
// "absent" for a missing member or a value of the wrong type, so hostile
// input cannot reach an unchecked get<>.
namespace bookbot::transports::json {

using Json = nlohmann::json;

// Throws CodecError ("<what>: …") for a body over `max_bytes`, nesting deeper
// than kMaxJsonDepth, more than MaxValues(max_bytes) values, a number out of
// range (1e400), or text that is not JSON (invalid UTF-8 included). Never
// throws a nlohmann exception.
// How many values (scalars, keys, containers) a document of `max_bytes` may hold.
std::size_t MaxValues(std::size_t max_bytes);

Json ParseBounded(std::string_view body, std::size_t max_bytes, std::string_view what);

// nlohmann's SAX interface: the parser calls it for each value instead of
// building a tree.
using Sax = nlohmann::json_sax<Json>;
// Walks `body` with `sax` within the same bounds as ParseBounded (a body over
// them throws the same CodecError), without building anything. False when
// the text is not JSON (invalid UTF-8 and numbers beyond double included) or
// `sax` stopped; never throws a nlohmann exception.
bool SaxParseBounded(std::string_view body, std::size_t max_bytes, std::string_view what, Sax& sax);

// The member `key` of `value`, or nullptr when `value` is not an object or
// has no such member.
const Json* Member(const Json& value, std::string_view key);
// The same, but only when the member is an object.
const Json* ObjectMember(const Json& value, std::string_view key);

// An integral number representable as int64 (never a float, never a string).
std::optional<std::int64_t> Int64(const Json* value);
std::optional<std::string> String(const Json* value);
std::optional<bool> Bool(const Json* value);

// Compact JSON text; any invalid UTF-8 that slipped through becomes U+FFFD
// instead of throwing.
std::string Dump(const Json& value);

}  // namespace bookbot::transports::json
