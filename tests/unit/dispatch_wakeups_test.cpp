// serve's dispatcher wake-ups: a thread is woken only when there is work for
// it, and a wake-up is never lost.

#include "dispatch_wakeups.hpp"

#include <catch2/catch.hpp>
#include <future>

namespace bookbot::app {
namespace {

using namespace std::chrono_literals;

TEST_CASE("new work wakes one idle dispatcher, not all", "[wakeups]") {
    DispatchWakeups wakeups(2);
    std::stop_source stop;
    std::promise<void> waiting0, waiting1;
    std::atomic<int> woken{0};
    auto wait = [&](int i, std::promise<void>& waiting) {
        return std::async(std::launch::async, [&, i] {
            waiting.set_value();
            wakeups.Wait(i, 60s, stop.get_token());
            if (!stop.stop_requested()) ++woken;
        });
    };
    auto a = wait(0, waiting0);
    auto b = wait(1, waiting1);
    waiting0.get_future().wait();
    waiting1.get_future().wait();
    // Both are about to wait; a wake-up before they do is kept, not lost.
    wakeups.NotifyAny();
    // Exactly one returns; the other sleeps on until stopped.
    const bool a_done = a.wait_for(10s) == std::future_status::ready;
    const bool b_done = a_done ? b.wait_for(200ms) == std::future_status::ready
                               : b.wait_for(10s) == std::future_status::ready;
    CHECK(a_done != b_done);
    CHECK(woken == 1);
    stop.request_stop();
    a.get();
    b.get();
    CHECK(woken == 1);
}

TEST_CASE("a wake-up while every dispatcher is busy waits for the first to look", "[wakeups]") {
    DispatchWakeups wakeups(2);
    std::stop_source stop;
    wakeups.NotifyAny();  // nobody waiting: kept
    const auto started = std::chrono::steady_clock::now();
    wakeups.Wait(1, 60s, stop.get_token());
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    // Consumed: the next wait times out.
    wakeups.Wait(0, 20ms, stop.get_token());
    wakeups.Notify(0);  // a late send result for dispatcher 0 only
    wakeups.Wait(0, 60s, stop.get_token());
    CHECK(std::chrono::steady_clock::now() - started < 20s);
}

}  // namespace
}  // namespace bookbot::app
