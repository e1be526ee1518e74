#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "bookbot/transports/telegram/bot_api.hpp"

namespace bookbot::transports::telegram {

// Answers callback queries on a thread of its own, so that a pressed button
// stops spinning at once, ahead of the paced outbox. Best effort: an answer
// only stops a spinner, and Telegram forgets the query after a while anyway,
// so a failure is logged and dropped, and so is what is queued at shutdown.
class CallbackAnswers {
public:
    static constexpr std::size_t kMaxQueued = 1000;

    explicit CallbackAnswers(const BotApi& api);
    ~CallbackAnswers();
    CallbackAnswers(const CallbackAnswers&) = delete;
    CallbackAnswers& operator=(const CallbackAnswers&) = delete;

    // Never blocks; drops the oldest when kMaxQueued are waiting.
    void Enqueue(std::string callback_query_id);

private:
    void Loop(const std::stop_token& stop);

    const BotApi& api_;
    std::mutex mutex_;
    std::condition_variable_any ready_;
    std::deque<std::string> queue_;
    std::jthread thread_;  // last: stops before the members it uses go
};

}  // namespace bookbot::transports::telegram
