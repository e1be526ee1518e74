#pragma once

// A clock for end-to-end tests of `serve` (hidden option --test-clock-file):
// the system clock plus an offset in milliseconds read from a file the test
// rewrites to move time (e.g. past a reminder's due time). Not for production.

#include <chrono>
#include <fstream>
#include <mutex>
#include <string>

#include "bookbot/core/clock.hpp"

namespace bookbot::app {

class OffsetFileClock final : public core::Clock {
public:
    explicit OffsetFileClock(std::string path) : path_(std::move(path)) {}

    // System time plus the file's offset (0 while the file is missing or
    // unreadable); the file is read again at most every 20 ms.
    core::TimePoint Now() const override {
        const auto steady = std::chrono::steady_clock::now();
        long long offset_ms = 0;
        {
            const std::lock_guard lock(mutex_);
            if (steady >= next_read_) {
                std::ifstream in(path_);
                long long offset = 0;
                if (in >> offset) offset_ms_ = offset;
                next_read_ = steady + std::chrono::milliseconds(20);
            }
            offset_ms = offset_ms_;  // read under the lock: other threads write it
        }
        return system_.Now() + core::Millis{offset_ms};
    }

private:
    const std::string path_;
    const core::SystemClock system_;
    mutable std::mutex mutex_;
    mutable std::chrono::steady_clock::time_point next_read_{};
    mutable long long offset_ms_ = 0;
};

}  // namespace bookbot::app
