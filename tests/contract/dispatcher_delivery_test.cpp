// The dispatcher's costs and its behaviour when the platform misbehaves:
// batches, parallel sends past a hanging call, failure logging, clean stops.

#include <condition_variable>
#include <future>
#include <set>

#include "bookbot/core/log.hpp"
#include "bookbot/core/store_wrapper.hpp"
#include "dispatcher_fixture.hpp"

namespace bookbot::testing {
namespace {

// Counts the write units that reach the store it wraps.
class CountingStore final : public core::StoreWrapper {
public:
    explicit CountingStore(core::Store& inner) : StoreWrapper(inner) {}
    void Run(Access access, const std::function<void(UnitOfWork&)>& work) override {
        if (access == Access::kWrite) ++writes;
        StoreWrapper::Run(access, work);
    }

    std::atomic<int> writes{0};
};

// Answers every message at once, except those to chat "H", which hang until
// Release() (or 10 s, then "sent": the platform took it). Fails everything
// while Fail(true).
class HangingSender final : public core::OutboxSender {
public:
    SendOutcome Send(const core::OutboxMessage& message) override {
        std::unique_lock lock(mutex_);
        bodies_.push_back(message.body);
        if (message.chat_id == "H") {
            released_.wait_for(lock, 10s, [&] { return release_; });
        }
        if (failing_) return SendOutcome::Transient("telegram sendMessage: 502 Bad Gateway");
        return SendOutcome::Sent();
    }
    void Release() {
        {
            const std::lock_guard lock(mutex_);
            release_ = true;
        }
        released_.notify_all();
    }
    void Fail(bool on) {
        const std::lock_guard lock(mutex_);
        failing_ = on;
    }
    std::vector<std::string> Bodies() const {
        const std::lock_guard lock(mutex_);
        return bodies_;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable released_;
    bool release_ = false;
    bool failing_ = false;
    std::vector<std::string> bodies_;
};

// Captures log events (names) while it lives.
class LogCapture {
public:
    LogCapture() {
        core::log::SetSink(
            [this](core::log::Level, std::string_view event, const std::vector<core::log::Field>&) {
                const std::lock_guard lock(mutex_);
                events_.emplace_back(event);
            });
    }
    ~LogCapture() { core::log::SetSink({}); }
    int Count(std::string_view event) const {
        const std::lock_guard lock(mutex_);
        return static_cast<int>(std::count(events_.begin(), events_.end(), event));
    }
    std::size_t Lines() const {
        const std::lock_guard lock(mutex_);
        return events_.size();
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> events_;
};

TEST_CASE_METHOD(DispatcherFixture, "a batch costs one claim unit and one record unit",
                 "[dispatcher]") {
    for (int c = 0; c < 10; ++c) Enqueue("c" + std::to_string(c), std::to_string(c));
    CountingStore counting(*store);
    HangingSender hanging;
    auto options = Options();
    options.parallel_sends = 4;
    {
        OutboxDispatcher dispatcher(counting, hanging, clock, options, &metrics);
        const auto round = dispatcher.RunOnce();
        CHECK(round.sent == 10);
        CHECK(round.in_flight == 0);
        CHECK(counting.writes == 2);
    }
    CHECK(counting.writes == 2);  // the stop had nothing left to record
    CHECK(Rows(OutboxStatus::kSent).size() == 10);
    const auto bodies = hanging.Bodies();
    CHECK(std::set<std::string>(bodies.begin(), bodies.end()).size() == 10);
}

TEST_CASE_METHOD(DispatcherFixture, "one hanging send holds back only its own chat",
                 "[dispatcher]") {
    HangingSender hanging;
    Enqueue("H", "h1");
    Enqueue("H", "h2");
    for (int c = 0; c < 9; ++c) Enqueue("c" + std::to_string(c), std::to_string(c));
    std::mutex mutex;
    std::condition_variable late_cv;
    bool late = false;
    auto options = Options();
    options.parallel_sends = 4;
    options.round_wait = 200ms;
    options.on_late_result = [&] {
        {
            const std::lock_guard lock(mutex);
            late = true;
        }
        late_cv.notify_all();
    };
    OutboxDispatcher dispatcher(*store, hanging, clock, options, &metrics);

    const auto started = std::chrono::steady_clock::now();
    const auto first = dispatcher.RunOnce();
    CHECK(std::chrono::steady_clock::now() - started < 5s);
    CHECK(first.sent == 9);  // every other chat's reply went out and is recorded
    CHECK(first.in_flight == 1);
    CHECK(Rows(OutboxStatus::kSent).size() == 9);
    for (int c = 0; c < 9; ++c) Enqueue("c" + std::to_string(c), "second");
    CHECK(dispatcher.RunOnce().sent == 9);  // not waiting for the hanging one either

    hanging.Release();
    {
        std::unique_lock lock(mutex);
        REQUIRE(late_cv.wait_for(lock, 10s, [&] { return late; }));
    }
    CHECK(dispatcher.RunOnce().sent == 1);  // h1, recorded late
    CHECK(dispatcher.RunOnce().sent == 1);  // then h2: the chat's order held
    CHECK(Rows(OutboxStatus::kSent).size() == 20);
}

TEST_CASE_METHOD(DispatcherFixture, "a clean stop records the sends in flight: none goes twice",
                 "[dispatcher]") {
    HangingSender hanging;
    Enqueue("H", "h1");
    auto options = Options();
    options.parallel_sends = 2;
    options.round_wait = 10ms;
    auto dispatcher = std::make_unique<OutboxDispatcher>(*store, hanging, clock, options, &metrics);
    CHECK(dispatcher->RunOnce().in_flight == 1);
    auto stopping = std::async(std::launch::async, [&] { dispatcher.reset(); });
    hanging.Release();
    stopping.get();
    CHECK(Rows(OutboxStatus::kSent).size() == 1);
    // After any lease, another worker finds nothing to send again.
    clock.Advance(1h);
    OutboxDispatcher next(*store, hanging, clock, Options("w2"), &metrics);
    CHECK(next.RunOnce().claimed == 0);
    CHECK(hanging.Bodies() == std::vector<std::string>{"h1"});
}

TEST_CASE_METHOD(DispatcherFixture,
                 "a failing platform is logged at once, then rarely, then healed", "[dispatcher]") {
    HangingSender sender_api;
    for (int c = 0; c < 3; ++c) Enqueue("c" + std::to_string(c), std::to_string(c));
    auto options = Options();
    options.max_attempts = 1000;
    options.base_backoff = 1s;
    options.max_backoff = 1s;
    options.failure_log_interval = 15s;
    options.batch = 2;  // so that both dispatchers below get messages to fail
    OutboxDispatcher dispatcher(*store, sender_api, clock, options, &metrics);
    options.worker = "w2";  // a second dispatcher thread of the same process
    OutboxDispatcher other(*store, sender_api, clock, options, &metrics);
    LogCapture log;
    // Rounds as serve runs them: again at once while a round claimed any.
    const auto drain = [](OutboxDispatcher& d) {
        int sent = 0;
        for (int round = 0; round < 10; ++round) {
            const OutboxDispatcher::Round r = d.RunOnce();
            sent += r.sent;
            if (r.claimed == 0) return sent;
        }
        FAIL("the dispatcher never ran out of messages to claim");
        return sent;
    };

    sender_api.Fail(true);
    for (int second = 0; second < 60; ++second) {
        drain(dispatcher);
        drain(other);
        clock.Advance(1s);
    }
    CHECK(Sends("transient") >= 120);  // every message failed about once a second
    CHECK(log.Count("outbox.send_failing") == 1);
    const int repeats = log.Count("outbox.send_still_failing");
    CHECK(repeats >= 3);  // 60 s of failure is not silent after the first line…
    CHECK(repeats <= 4);  // …nor a line per attempt
    CHECK(log.Lines() == static_cast<std::size_t>(1 + repeats));

    sender_api.Fail(false);
    CHECK(drain(dispatcher) + drain(other) == 3);
    CHECK(log.Count("outbox.recovered") == 1);
    CHECK(log.Lines() == static_cast<std::size_t>(2 + repeats));
}

}  // namespace
}  // namespace bookbot::testing
