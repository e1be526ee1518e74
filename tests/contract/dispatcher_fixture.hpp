#pragma once

// The outbox dispatcher's test set-up: a clock moved by hand, a scripted
// sender, and the dispatcher on the backend under test.

#include <atomic>
#include <deque>
#include <mutex>

#include "bookbot/core/outbox_dispatcher.hpp"
#include "fixture.hpp"

namespace bookbot::testing {

using core::OutboxDispatcher;
using core::OutboxStatus;
using core::SendOutcome;
using core::UnitOfWork;

// A clock the test moves by hand.
class SteppedClock final : public core::Clock {
public:
    core::TimePoint Now() const override { return core::FromEpochMillis(now_ms_.load()); }
    void Advance(core::Millis d) { now_ms_ += d.count(); }

private:
    std::atomic<std::int64_t> now_ms_{core::ToEpochMillis(kT0)};
};

// Records every message it was handed; answers from a script, then "sent".
class ScriptedSender final : public core::OutboxSender {
public:
    SendOutcome Send(const core::OutboxMessage& message) override {
        const std::lock_guard lock(mutex_);
        bodies_.push_back(message.body);
        if (script_.empty()) return SendOutcome::Sent();
        SendOutcome next = script_.front();
        script_.pop_front();
        return next;
    }
    void Then(SendOutcome outcome) {
        const std::lock_guard lock(mutex_);
        script_.push_back(std::move(outcome));
    }
    std::vector<std::string> Bodies() const {
        const std::lock_guard lock(mutex_);
        return bodies_;
    }

private:
    mutable std::mutex mutex_;
    std::deque<SendOutcome> script_;
    std::vector<std::string> bodies_;
};

struct DispatcherFixture : StoreFixture {
    SteppedClock clock;
    ScriptedSender sender;
    core::Metrics metrics;
    std::vector<core::Millis> waits;

    DispatcherFixture() { OutboxDispatcher::DeclareMetrics(metrics); }

    core::DispatcherOptions Options(const std::string& worker = "w1") {
        core::DispatcherOptions o;
        o.platform = "telegram";
        o.worker = worker;
        o.max_attempts = 3;
        o.chat_rate = 0;  // pacing has its own tests
        o.global_rate = 0;
        o.parallel_sends = 1;  // sends in a fixed order; parallel sends have their own tests
        return o;
    }
    std::unique_ptr<OutboxDispatcher> Make(core::DispatcherOptions o) {
        return std::make_unique<OutboxDispatcher>(*store, sender, clock, std::move(o), &metrics,
                                                  [this](core::Millis d) { waits.push_back(d); });
    }
    void Enqueue(const std::string& chat, const std::string& body) {
        store->Write([&](UnitOfWork& u) { u.Enqueue("telegram", chat, body, clock.Now()); });
    }
    std::vector<core::OutboxMessage> Rows(OutboxStatus status) {
        return store->Read([&](UnitOfWork& u) { return u.ListOutbox(status, 100); });
    }
    double Sends(const std::string& result) {
        return metrics.Value("bookbot_outbox_send_total",
                             {{"platform", "telegram"}, {"result", result}});
    }
};

}  // namespace bookbot::testing
