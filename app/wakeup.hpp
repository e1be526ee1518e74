#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>

#include "bookbot/core/clock.hpp"

namespace bookbot::app {

// Wakes waiting workers early, without losing a wake-up that came between a
// worker's last look and its wait: a worker notes Generation() before it
// works, and Wait returns at once if Notify() happened since.
class Wakeup {
public:
    void Notify() {
        {
            const std::lock_guard lock(mutex_);
            ++generation_;
        }
        changed_.notify_all();
    }

    std::uint64_t Generation() {
        const std::lock_guard lock(mutex_);
        return generation_;
    }

    // Until a Notify() after `seen`, `timeout`, or a stop request.
    void Wait(std::uint64_t seen, core::Millis timeout, const std::stop_token& stop) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, stop, timeout, [&] { return generation_ != seen; });
    }

private:
    std::mutex mutex_;
    std::condition_variable_any changed_;
    std::uint64_t generation_ = 0;
};

}  // namespace bookbot::app
