#include "bookbot/transports/platform/background_calls.hpp"

#include <exception>

#include "bookbot/core/log.hpp"

namespace bookbot::transports {

BackgroundCalls::BackgroundCalls(std::string log_event, Call call, std::size_t max_queued)
    : log_event_(std::move(log_event)),
      call_(std::move(call)),
      max_queued_(max_queued == 0 ? 1 : max_queued),
      thread_([this](const std::stop_token& stop) { Loop(stop); }) {}

BackgroundCalls::~BackgroundCalls() {
    thread_.request_stop();
    ready_.notify_all();
}

void BackgroundCalls::Enqueue(std::string argument) {
    {
        const std::lock_guard lock(mutex_);
        if (queue_.size() >= max_queued_) {
            queue_.pop_front();
            ++dropped_;
        }
        queue_.push_back(std::move(argument));
    }
    ready_.notify_one();
}

std::size_t BackgroundCalls::Dropped() const {
    const std::lock_guard lock(mutex_);
    return dropped_;
}

void BackgroundCalls::Loop(const std::stop_token& stop) {
    while (true) {
        std::string argument;
        {
            std::unique_lock lock(mutex_);
            if (!ready_.wait(lock, stop, [this] { return !queue_.empty(); })) return;
            argument = std::move(queue_.front());
            queue_.pop_front();
        }
        try {
            call_(argument);
        } catch (const std::exception& e) {
            core::log::Warn(log_event_, {{"error", e.what()}});
        }
    }
}

}  // namespace bookbot::transports
