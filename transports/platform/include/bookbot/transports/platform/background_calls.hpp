#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace bookbot::transports {

// Best-effort platform calls that must never delay an answer to the platform
// (WhatsApp's read receipts; Telegram's callback answers are the same shape):
// Enqueue returns at once and `call` runs later, in order, on a thread of its
// own. Bounded: when `max_queued` calls wait, the oldest is dropped. A call
// that throws is logged as a warning under `log_event` and dropped; so is
// what is still queued at destruction. Thread-safe.
class BackgroundCalls {
public:
    using Call = std::function<void(const std::string& argument)>;
    static constexpr std::size_t kDefaultMaxQueued = 1000;

    BackgroundCalls(std::string log_event, Call call, std::size_t max_queued = kDefaultMaxQueued);
    ~BackgroundCalls();
    BackgroundCalls(const BackgroundCalls&) = delete;
    BackgroundCalls& operator=(const BackgroundCalls&) = delete;

    // Never blocks (beyond a short lock).
    void Enqueue(std::string argument);
    // Calls dropped so far because the queue was full.
    std::size_t Dropped() const;

private:
    void Loop(const std::stop_token& stop);

    const std::string log_event_;
    const Call call_;
    const std::size_t max_queued_;
    mutable std::mutex mutex_;
    std::condition_variable_any ready_;
    std::deque<std::string> queue_;
    std::size_t dropped_ = 0;
    std::jthread thread_;  // last: stops before the members it uses go
};

}  // namespace bookbot::transports
