#include <charconv>

#include "sql_connection.hpp"

namespace bookbot::backends {

using core::StorageError;

const std::string& SqlRow::Text(std::size_t i) const {
    const SqlValue& v = values_.at(i);
    if (const auto* text = std::get_if<std::string>(&v)) return *text;
    throw StorageError(
        StorageError::Kind::kInternal,
        IsNull(i) ? "unexpected NULL in a result" : "expected text in a result, got an integer");
}

std::int64_t SqlRow::Int(std::size_t i) const {
    const SqlValue& v = values_.at(i);
    if (const auto* value = std::get_if<std::int64_t>(&v)) return *value;
    const std::string& text = Text(i);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        throw StorageError(StorageError::Kind::kInternal,
                           "expected an integer in a result, got '" + text + "'");
    }
    return value;
}

std::optional<std::int64_t> SqlRow::OptionalInt(std::size_t i) const {
    if (IsNull(i)) return std::nullopt;
    return Int(i);
}

}  // namespace bookbot::backends
