#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <stop_token>

#include "bookbot/core/clock.hpp"

namespace bookbot::app {

// Wakes a platform's dispatcher threads only when there is work for them, and
// only as many as needed: new replies wake ONE idle dispatcher (one that is
// busy looks again after its round anyway); a send result that outlived its
// round wakes the dispatcher that must record it. A wake-up that finds every
// dispatcher busy is kept for the next one to finish a round, so none is lost.
class DispatchWakeups {
public:
    explicit DispatchWakeups(int dispatchers) : slots_(static_cast<std::size_t>(dispatchers)) {}

    void NotifyAny() {
        {
            const std::lock_guard lock(mutex_);
            for (Slot& slot : slots_) {
                if (slot.waiting && !slot.woken) {
                    slot.woken = true;
                    slot.changed.notify_one();
                    return;
                }
            }
            pending_ = true;
        }
    }

    void Notify(int dispatcher) {
        const std::lock_guard lock(mutex_);
        Slot& slot = slots_.at(static_cast<std::size_t>(dispatcher));
        slot.woken = true;
        slot.changed.notify_one();
    }

    // Until this dispatcher is woken, `timeout`, or a stop request; at once
    // if a wake-up came since its last wait.
    void Wait(int dispatcher, core::Millis timeout, const std::stop_token& stop) {
        std::unique_lock lock(mutex_);
        Slot& slot = slots_.at(static_cast<std::size_t>(dispatcher));
        if (!pending_ && !slot.woken) {
            slot.waiting = true;
            slot.changed.wait_for(lock, stop, timeout, [&] { return slot.woken; });
            slot.waiting = false;
        }
        pending_ = false;
        slot.woken = false;
    }

private:
    struct Slot {
        std::condition_variable_any changed;
        bool waiting = false;
        bool woken = false;
    };
    std::mutex mutex_;
    std::deque<Slot> slots_;  // deque: slots never move
    bool pending_ = false;
};

}  // namespace bookbot::app
