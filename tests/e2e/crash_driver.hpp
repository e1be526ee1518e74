#pragma once

// Simulated customers for the crash test: each books appointments through a
// `bookbot serve` webhook as Telegram delivers them, pressing the buttons the
// bot really sent (read back from the fake Bot API), and delivering each
// update again until it is answered 200, also across crashes and restarts of
// the server. No Catch2 assertions in here: customers run on their own threads.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>

#include "fake_bot_api.hpp"
#include "telegram_harness.hpp"

namespace bookbot::testing {

// Where the server listens now: the port changes with each restart (0 while
// it is down); and how many updates are on their way to it, so that a crash
// can be timed to hit one.
class ServerAddress {
public:
    void Set(int port);
    // The port once the server is up again after `not_this` (0: any), or 0
    // once `timeout` passed.
    int Await(int not_this, std::chrono::milliseconds timeout) const;

    void PostStarted();
    void PostEnded();
    // Waits until an update is being posted; false after `timeout`.
    bool AwaitInFlight(std::chrono::milliseconds timeout) const;

private:
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    int port_ = 0;
    int in_flight_ = 0;
};

class CrashCustomer {
public:
    CrashCustomer(FakeBotApi& api, ServerAddress& server, std::int64_t chat_id, std::uint64_t seed)
        : api_(api), server_(server), user_(api, chat_id), rng_(seed) {}

    // Books again and again until `stop` is set (finishing the update in
    // flight). Returns "" or what went wrong (an update never answered).
    std::string Run(const std::atomic<bool>& stop);

    std::int64_t chat_id() const { return user_.id(); }
    int redeliveries() const { return redeliveries_; }
    int updates() const { return updates_; }

private:
    // Posts `body` until the server answers 200; false if `stop` came first
    // and the server stayed down.
    bool Deliver(const std::string& body, const std::atomic<bool>& stop);
    // The update for the next step, from the newest message; "" if that
    // message asks nothing of us (then wait for the next one).
    std::string NextUpdate();
    // Waits until the chat changes from `before` (a new message or an edit).
    bool AwaitChange(const std::string& before);
    std::string Fingerprint() const;

    FakeBotApi& api_;
    ServerAddress& server_;
    User user_;
    std::mt19937_64 rng_;
    int redeliveries_ = 0;
    int updates_ = 0;
};

}  // namespace bookbot::testing
