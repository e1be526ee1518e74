// A counted one-shot gate for tests, like std::latch but with two
// differences that keep a broken test from hanging CI:
// - every wait has a deadline, and says whether it was met (REQUIRE it);
// - it is held by shared_ptr, so a server thread that outlives the test body
//   (a handler abandoned by Shutdown) still waits on live memory, never on
//   the test's dead stack frame.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace bookbot::test {

class Gate {
public:
    static std::shared_ptr<Gate> Make(int count) { return std::make_shared<Gate>(count); }

    explicit Gate(int count) : count_(count) {}

    void Arrive() {
        std::lock_guard lock(mutex_);
        if (count_ > 0 && --count_ == 0) opened_.notify_all();
    }

    // True once the count reached zero; false when `patience` ran out first.
    [[nodiscard]] bool WaitFor(std::chrono::milliseconds patience) {
        std::unique_lock lock(mutex_);
        return opened_.wait_for(lock, patience, [&] { return count_ == 0; });
    }

private:
    std::mutex mutex_;
    std::condition_variable opened_;
    int count_;
};

}  // namespace bookbot::test
