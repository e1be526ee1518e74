// The HTTP server runs at most ServerOptions::handler_threads handlers at
// once: requests beyond that wait for a slot (and are all answered), and the
// sockets are never left to a thread that runs handlers, so a server whose
// every handler blocks still answers 503 at once.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bookbot/transports/http/server.hpp"
#include "http_sockets.hpp"

namespace bookbot::transports::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kPatience = 5s;

// Handlers wait here until Open (or, so that no test can hang, kPatience).
class Turnstile {
public:
    // Blocks the calling handler; counts it as running meanwhile.
    void Pass() {
        std::unique_lock lock(mutex_);
        ++running_;
        ++entered_;
        max_running_ = std::max(max_running_, running_);
        changed_.notify_all();
        changed_.wait_for(lock, kPatience, [&] { return open_; });
        --running_;
    }
    void Open() {
        const std::lock_guard lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }
    // True once `n` handlers have entered, false after kPatience.
    bool WaitEntered(int n) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, kPatience, [&] { return entered_ >= n; });
    }
    int max_running() {
        const std::lock_guard lock(mutex_);
        return max_running_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool open_ = false;
    int running_ = 0;
    int entered_ = 0;
    int max_running_ = 0;
};

Response Ok() {
    Response r;
    r.body = "ok";
    return r;
}

// True once `server` has admitted `n` requests, false after kPatience.
bool WaitInFlight(const Server& server, std::size_t n) {
    const auto deadline = Clock::now() + kPatience;
    while (server.InFlight() < n) {
        if (Clock::now() >= deadline) return false;
        std::this_thread::yield();
    }
    return true;
}

TEST_CASE("requests beyond handler_threads wait for a slot and are all answered") {
    ServerOptions options;
    options.port = 0;
    options.handler_threads = 2;
    Turnstile turnstile;
    Server server(options, [&](const Request&) {
        turnstile.Pass();
        return Ok();
    });
    server.Start();
    constexpr int kRequests = 6;
    std::vector<test::Fd> clients;
    for (int i = 0; i < kRequests; ++i) {
        clients.push_back(test::ConnectLoopback(server.Port()));
        test::SendAll(clients.back().get(), "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    }
    REQUIRE(turnstile.WaitEntered(2));
    // Every request is read and admitted, yet only two are in a handler.
    REQUIRE(WaitInFlight(server, kRequests));
    turnstile.Open();
    for (const auto& client : clients) {
        CHECK(test::ReadResponse(client.get(), kPatience).find("HTTP/1.1 200") == 0);
    }
    CHECK(turnstile.max_running() == 2);
}

TEST_CASE("with every handler slot blocked, a new request still gets 503 at once") {
    ServerOptions options;
    options.port = 0;
    options.handler_threads = 1;
    options.max_concurrent_requests = 1;
    Turnstile turnstile;
    Server server(options, [&](const Request&) {
        turnstile.Pass();
        return Ok();
    });
    server.Start();
    const auto blocked = test::ConnectLoopback(server.Port());
    test::SendAll(blocked.get(), "GET /block HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(turnstile.WaitEntered(1));

    const auto start = Clock::now();
    const auto other = test::ConnectLoopback(server.Port());
    test::SendAll(other.get(), "GET /other HTTP/1.1\r\nHost: t\r\n\r\n");
    const auto refused = test::ReadResponse(other.get(), kPatience);
    CHECK(refused.find("HTTP/1.1 503") == 0);
    CHECK(refused.find("Retry-After: 1") != std::string::npos);
    CHECK(Clock::now() - start < 2s);  // not after the blocked handler let go

    turnstile.Open();
    CHECK(test::ReadResponse(blocked.get(), kPatience).find("HTTP/1.1 200") == 0);
}

}  // namespace
}  // namespace bookbot::transports::http
