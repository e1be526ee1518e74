#pragma once

// A clock that stands still until a test moves it: Set() jumps to an instant,
// Advance() moves it on. Thread-safe, as core::Clock requires.

#include <atomic>
#include <cstdint>

#include "bookbot/core/clock.hpp"

namespace bookbot::testing {

class FixedClock final : public core::Clock {
public:
    explicit FixedClock(core::TimePoint now) : now_ms_(core::ToEpochMillis(now)) {}

    core::TimePoint Now() const override { return core::FromEpochMillis(now_ms_.load()); }

    void Set(core::TimePoint now) { now_ms_.store(core::ToEpochMillis(now)); }
    void Advance(core::Millis by) { now_ms_.fetch_add(by.count()); }

private:
    std::atomic<std::int64_t> now_ms_;
};

}  // namespace bookbot::testing
