#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

// Structured logging, one event per line. Core and transports write events
// here; the composition root decides how they look and where they go
// (SetSink). Secrets never belong in a field: callers pass redacted values.
namespace bookbot::core::log {

enum class Level { kDebug, kInfo, kWarn, kError };

std::string_view LevelName(Level level) noexcept;  // "debug", "info", …

struct Field {
    Field(std::string_view k, std::string_view v) : key(k), value(v) {}
    Field(std::string_view k, const char* v) : key(k), value(v) {}
    Field(std::string_view k, const std::string& v) : key(k), value(v) {}
    template <typename N, typename = std::enable_if_t<std::is_arithmetic_v<N>>>
    Field(std::string_view k, N v) : key(k), value(std::to_string(v)), quoted(false) {}

    std::string key;
    std::string value;
    bool quoted = true;  // false for numbers (JSON renders them bare)
};

using Sink = std::function<void(Level, std::string_view event, const std::vector<Field>&)>;

// Replaces where events go (default: plain text on stderr). Thread-safe.
void SetSink(Sink sink);
void SetMinLevel(Level level);
bool Enabled(Level level) noexcept;

void Write(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void Debug(std::string_view event, std::initializer_list<Field> fields = {}) {
    if (Enabled(Level::kDebug)) Write(Level::kDebug, event, fields);
}
inline void Info(std::string_view event, std::initializer_list<Field> fields = {}) {
    Write(Level::kInfo, event, fields);
}
inline void Warn(std::string_view event, std::initializer_list<Field> fields = {}) {
    Write(Level::kWarn, event, fields);
}
inline void Error(std::string_view event, std::initializer_list<Field> fields = {}) {
    Write(Level::kError, event, fields);
}

}  // namespace bookbot::core::log
