// The HTTP server under pressure, with raw sockets: more connections than it
// holds, bodies beyond its memory budget, handlers that throw, handlers
// blocked past the drain deadline.
#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bookbot/core/log.hpp"
#include "bookbot/transports/http/client.hpp"
#include "bookbot/transports/http/server.hpp"
#include "gate.hpp"
#include "http_sockets.hpp"

namespace bookbot::transports::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kPatience = 5s;

ServerOptions Options() {
    ServerOptions o;
    o.port = 0;
    return o;
}

Response Ok() {
    Response r;
    r.body = "ok";
    return r;
}

std::string Url(const Server& server) {
    return "http://127.0.0.1:" + std::to_string(server.Port());
}

std::string Post(std::size_t body_bytes) {
    return "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body_bytes) +
           "\r\n\r\n" + std::string(body_bytes, 'b');
}

// Counts the log events named `event` while alive.
class LogCounter {
public:
    explicit LogCounter(std::string event) : event_(std::move(event)) {
        core::log::SetSink(
            [this](core::log::Level, std::string_view name, const std::vector<core::log::Field>&) {
                if (name == event_) ++count_;
            });
    }
    ~LogCounter() { core::log::SetSink(nullptr); }
    int count() const { return count_.load(); }

private:
    std::string event_;
    std::atomic<int> count_{0};
};

TEST_CASE("at max_connections a new connection closes the oldest idle one") {
    LogCounter pressure("http.connection_pressure");
    auto o = Options();
    o.max_connections = 4;
    Server server(o, [](const Request&) { return Ok(); });
    server.Start();
    std::vector<test::Fd> idle;
    for (int i = 0; i < 40; ++i) idle.push_back(test::ConnectLoopback(server.Port()));

    // Ten times the cap in idle sockets, and a health check still gets in.
    Client client(Url(server));
    CHECK(client.Get("/healthz").status == 200);
    // The oldest idle ones were the ones closed.
    CHECK(test::ReadUntilClosed(idle.front().get(), kPatience).closed);
    // Pressure is logged, but not once per connection.
    CHECK(pressure.count() == 1);
}

TEST_CASE("when every connection has a request in a handler, a new one is closed") {
    auto entered = test::Gate::Make(1);
    auto release = test::Gate::Make(1);
    auto o = Options();
    o.max_connections = 1;
    Server server(o, [entered, release](const Request&) {
        entered->Arrive();
        (void)release->WaitFor(kPatience);
        return Ok();
    });
    server.Start();
    const auto busy = test::ConnectLoopback(server.Port());
    test::SendAll(busy.get(), "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(entered->WaitFor(kPatience));

    const auto extra = test::ConnectLoopback(server.Port());
    const auto got = test::ReadUntilClosed(extra.get(), kPatience);
    CHECK(got.closed);
    CHECK(got.data.empty());
    release->Arrive();
    CHECK(test::ReadResponse(busy.get(), kPatience).find("HTTP/1.1 200") == 0);
}

TEST_CASE("bodies beyond the memory budget wait, then get 503, never a handler") {
    auto entered = test::Gate::Make(1);
    auto release = test::Gate::Make(1);
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto o = Options();
    o.body_memory = 1000;
    o.read_timeout = 300ms;
    Server server(o, [entered, release, calls](const Request&) {
        if ((*calls)++ == 0) {
            entered->Arrive();
            (void)release->WaitFor(kPatience);
        }
        return Ok();
    });
    server.Start();
    const auto first = test::ConnectLoopback(server.Port());
    test::SendAll(first.get(), Post(800));
    REQUIRE(entered->WaitFor(kPatience));  // its 800 bytes are held while it is handled

    const auto second = test::ConnectLoopback(server.Port());
    const auto start = Clock::now();
    test::SendAll(second.get(), Post(800));
    const auto refused = test::ReadUntilClosed(second.get(), kPatience);
    CHECK(refused.data.find("HTTP/1.1 503") == 0);
    CHECK(refused.data.find("Retry-After: 1") != std::string::npos);
    CHECK(Clock::now() - start >= 250ms);
    CHECK(*calls == 1);

    // A request without a body needs no budget.
    const auto small = test::ConnectLoopback(server.Port());
    release->Arrive();
    CHECK(test::ReadResponse(first.get(), kPatience).find("HTTP/1.1 200") == 0);
    // Once the first is done, a body fits again.
    test::SendAll(small.get(), Post(800));
    CHECK(test::ReadResponse(small.get(), kPatience).find("HTTP/1.1 200") == 0);
    CHECK(*calls == 2);
}

TEST_CASE("a handler that throws is logged once per interval") {
    LogCounter failed("http.handler_failed");
    Server server(Options(), [](const Request&) -> Response { throw std::runtime_error("boom"); });
    server.Start();
    Client client(Url(server));
    CHECK(client.Get("/").status == 500);
    CHECK(client.Get("/").status == 500);
    CHECK(failed.count() == 1);
}

TEST_CASE("Shutdown keeps its deadline with a handler blocked past it") {
    // The stuck handler outlives this test's frame (the server abandons it),
    // so everything it touches is shared, not on this stack.
    auto entered = test::Gate::Make(2);
    auto release = test::Gate::Make(1);
    auto left = test::Gate::Make(1);
    auto server = std::make_unique<Server>(Options(), [entered, release, left](const Request& r) {
        entered->Arrive();
        if (r.Path() == "/stuck") {
            (void)release->WaitFor(kPatience);
            left->Arrive();
        }
        return Ok();
    });
    server->Start();
    const auto stuck = test::ConnectLoopback(server->Port());
    test::SendAll(stuck.get(), "GET /stuck HTTP/1.1\r\nHost: t\r\n\r\n");
    const auto quick = test::ConnectLoopback(server->Port());
    test::SendAll(quick.get(), "GET /quick HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(entered->WaitFor(kPatience));
    CHECK(test::ReadResponse(quick.get(), kPatience).find("HTTP/1.1 200") == 0);

    const auto start = Clock::now();
    CHECK_FALSE(server->Shutdown(300ms));
    CHECK(Clock::now() - start < 1500ms);
    CHECK(test::ReadUntilClosed(stuck.get(), kPatience).closed);
    server.reset();  // safe: the server stays for the handler still running
    release->Arrive();
    CHECK(left->WaitFor(kPatience));
}

}  // namespace
}  // namespace bookbot::transports::http
