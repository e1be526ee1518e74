#include "bookbot/core/log_throttle.hpp"

namespace bookbot::core::log {

std::optional<std::uint64_t> Throttle::Allow(std::chrono::steady_clock::time_point now) {
    const std::lock_guard lock(mutex_);
    if (last_ && now - *last_ < interval_) {
        ++held_;
        return std::nullopt;
    }
    last_ = now;
    const std::uint64_t held = held_;
    held_ = 0;
    return held;
}

}  // namespace bookbot::core::log
