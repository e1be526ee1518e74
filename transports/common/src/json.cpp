#include "bookbot/transports/common/json.hpp"

#include <algorithm>
#include <limits>

#include "bookbot/transports/common/codec_error.hpp"

namespace bookbot::transports::json {

std::size_t MaxValues(std::size_t max_bytes) {
    // One value per 16 bytes of budget is far beyond any real update (a
    // message is a few dozen values per KiB) and keeps the tree within a few
    // times the body's own size.
    return std::max<std::size_t>(1024, max_bytes / 16);
}

namespace {

// Refuses, before nlohmann builds anything, a body nested deeper than
// kMaxJsonDepth or holding more than `max_values` values. One pass over the
// bytes, outside strings: each container opened is a value, and each ',' or
// ':' introduces one more (an element or a member's value; a key follows '{'
// or ','). That is exactly the count of the values, keys and containers the
// parser would create, plus one per empty container, so the bound is never
// looser. (It replaced a per-value parser callback: 6 % of serve's CPU.)
void CheckShape(std::string_view body, std::size_t max_values, std::string_view what) {
    int depth = 0;
    std::size_t values = 1;
    bool in_string = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (in_string) {
            if (c == '\\') {
                ++i;  // the escaped character, a quote included
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        switch (c) {
            case '"':
                in_string = true;
                break;
            case '[':
            case '{':
                if (++depth > kMaxJsonDepth) {
                    throw CodecError(std::string(what) + ": JSON nested deeper than " +
                                     std::to_string(kMaxJsonDepth) + " levels");
                }
                ++values;
                break;
            case ']':
            case '}':
                depth = std::max(0, depth - 1);
                break;
            case ',':
            case ':':
                ++values;
                break;
            default:
                break;
        }
        if (values > max_values) {
            throw CodecError(std::string(what) + ": more than " + std::to_string(max_values) +
                             " JSON values");
        }
    }
}

void CheckBounds(std::string_view body, std::size_t max_bytes, std::string_view what) {
    if (body.size() > max_bytes) {
        throw CodecError(std::string(what) + ": " + std::to_string(body.size()) +
                         " bytes exceed the limit of " + std::to_string(max_bytes));
    }
    // Bounding depth first also bounds every later walk of the tree;
    // bounding the values bounds what the tree may allocate: a megabyte of
    // "[]," would otherwise become 350,000 vectors (tens of MiB).
    CheckShape(body, MaxValues(max_bytes), what);
}

}  // namespace

Json ParseBounded(std::string_view body, std::size_t max_bytes, std::string_view what) {
    CheckBounds(body, max_bytes, what);
    try {
        return Json::parse(body.begin(), body.end());
    } catch (const Json::parse_error& e) {
        // e.what() quotes the input; the byte offset is enough to debug.
        throw CodecError(std::string(what) + ": not valid JSON (at byte " + std::to_string(e.byte) +
                         ")");
    } catch (const Json::exception& e) {
        // out_of_range: a number beyond double ("1e400", a million digits).
        // Its message quotes the token: only the id is kept.
        throw CodecError(std::string(what) + ": unusable JSON (error " + std::to_string(e.id) +
                         ")");
    }
}

bool SaxParseBounded(std::string_view body, std::size_t max_bytes, std::string_view what,
                     Sax& sax) {
    CheckBounds(body, max_bytes, what);
    try {
        // nlohmann reports bad text through sax.parse_error and throws
        // nothing itself; the catch keeps "never throws" should it change.
        return Json::sax_parse(body.begin(), body.end(), &sax);
    } catch (const Json::exception&) {
        return false;
    }
}

const Json* Member(const Json& value, std::string_view key) {
    if (!value.is_object()) return nullptr;
    const auto it = value.find(key);
    return it == value.end() ? nullptr : &*it;
}

const Json* ObjectMember(const Json& value, std::string_view key) {
    const Json* member = Member(value, key);
    return member != nullptr && member->is_object() ? member : nullptr;
}

std::optional<std::int64_t> Int64(const Json* value) {
    if (value == nullptr) return std::nullopt;
    if (value->is_number_unsigned()) {
        const auto u = value->get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return std::nullopt;
        }
        return static_cast<std::int64_t>(u);
    }
    if (value->is_number_integer()) return value->get<std::int64_t>();
    return std::nullopt;
}

std::optional<std::string> String(const Json* value) {
    if (value == nullptr || !value->is_string()) return std::nullopt;
    return value->get<std::string>();
}

std::optional<bool> Bool(const Json* value) {
    if (value == nullptr || !value->is_boolean()) return std::nullopt;
    return value->get<bool>();
}

std::string Dump(const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace bookbot::transports::json
