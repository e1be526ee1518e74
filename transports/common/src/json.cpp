#include "bookbot/transports/common/json.hpp"

#include <limits>

#include "bookbot/transports/common/codec_error.hpp"

namespace bookbot::transports::json {

Json ParseBounded(std::string_view body, std::size_t max_bytes, std::string_view what) {
    if (body.size() > max_bytes) {
        throw CodecError(std::string(what) + ": " + std::to_string(body.size()) +
                         " bytes exceed the limit of " + std::to_string(max_bytes));
    }
    // The parser reports each container's depth before descending into it;
    // refusing there bounds both the parse and every later walk of the tree.
    const Json::parser_callback_t limit_depth = [what](int depth, Json::parse_event_t event,
                                                       Json& /*parsed*/) {
        const bool opens =
            event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start;
        if (opens && depth >= kMaxJsonDepth) {
            throw CodecError(std::string(what) + ": JSON nested deeper than " +
                             std::to_string(kMaxJsonDepth) + " levels");
        }
        return true;
    };
    try {
        return Json::parse(body.begin(), body.end(), limit_depth);
    } catch (const Json::parse_error& e) {
        // e.what() quotes the input; the byte offset is enough to debug.
        throw CodecError(std::string(what) + ": not valid JSON (at byte " + std::to_string(e.byte) +
                         ")");
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
