#include "bookbot/transports/telegram/callback_answers.hpp"

#include "bookbot/core/log.hpp"

namespace bookbot::transports::telegram {

CallbackAnswers::CallbackAnswers(const BotApi& api)
    : api_(api), thread_([this](const std::stop_token& stop) { Loop(stop); }) {}

CallbackAnswers::~CallbackAnswers() {
    thread_.request_stop();
    ready_.notify_all();
}

void CallbackAnswers::Enqueue(std::string callback_query_id) {
    {
        const std::lock_guard lock(mutex_);
        if (queue_.size() >= kMaxQueued) queue_.pop_front();
        queue_.push_back(std::move(callback_query_id));
    }
    ready_.notify_one();
}

void CallbackAnswers::Loop(const std::stop_token& stop) {
    while (true) {
        std::string id;
        {
            std::unique_lock lock(mutex_);
            if (!ready_.wait(lock, stop, [this] { return !queue_.empty(); })) return;
            id = std::move(queue_.front());
            queue_.pop_front();
        }
        try {
            api_.AnswerCallbackQuery(id);
        } catch (const std::exception& e) {
            core::log::Warn("telegram.callback_answer_failed", {{"error", e.what()}});
        }
    }
}

}  // namespace bookbot::transports::telegram
