#pragma once

#include <chrono>
#include <cstdint>

namespace bookbot::core {

// All instants in bookbot are UTC with millisecond precision; the store keeps
// them as epoch milliseconds (BIGINT).
using Millis = std::chrono::milliseconds;
using TimePoint = std::chrono::sys_time<Millis>;

inline std::int64_t ToEpochMillis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint FromEpochMillis(std::int64_t ms) { return TimePoint{Millis{ms}}; }

// The one source of "now". Core code never reads the system clock itself, so
// tests can inject a fixed or stepped clock. Implementations are thread-safe.
class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint Now() const = 0;
};

// The real clock (system_clock truncated to milliseconds).
class SystemClock final : public Clock {
public:
    TimePoint Now() const override {
        return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
    }
};

}  // namespace bookbot::core
