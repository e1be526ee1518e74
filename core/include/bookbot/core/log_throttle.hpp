#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

namespace bookbot::core::log {

// Lets one line of a kind through per interval and counts the ones it held
// back, so that a flood (forged requests, poison updates, connection
// pressure) writes a bounded number of lines and the operator still learns
// how many there were. Thread-safe.
class Throttle {
public:
    explicit Throttle(std::chrono::steady_clock::duration interval) : interval_(interval) {}

    // Whether to write a line at `now`. When it says yes, the value is how
    // many lines were held back since the last one written (0 the first
    // time); nullopt means hold this one back.
    std::optional<std::uint64_t> Allow(std::chrono::steady_clock::time_point now);
    std::optional<std::uint64_t> Allow() { return Allow(std::chrono::steady_clock::now()); }

private:
    const std::chrono::steady_clock::duration interval_;
    std::mutex mutex_;
    std::optional<std::chrono::steady_clock::time_point> last_;
    std::uint64_t held_ = 0;
};

}  // namespace bookbot::core::log
