// The HTTP server and client against peers that misbehave, written with
// plain POSIX sockets (http_sockets.hpp).
#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "bookbot/transports/http/client.hpp"
#include "bookbot/transports/http/server.hpp"
#include "http_sockets.hpp"

namespace bookbot::transports::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kPatience = 5s;  // an upper bound that only a broken server reaches
constexpr std::string_view kGet = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";

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

std::string Loopback(std::uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); }

HttpError ErrorOf(const std::function<void()>& call) {
    try {
        call();
    } catch (const HttpError& e) {
        return e;
    }
    FAIL("no HttpError");
    return HttpError(HttpError::Kind::kProtocol, "");
}

TEST_CASE("a client that never finishes its header is disconnected after header_timeout") {
    auto o = Options();
    o.header_timeout = 200ms;
    Server server(o, [](const Request&) { return Ok(); });
    server.Start();
    // The header clock cannot start before the connection exists.
    const auto start = Clock::now();
    const auto slow = test::ConnectLoopback(server.Port());
    test::SendAll(slow.get(), "GET / HTTP/1.1\r\nHost: t\r\n");
    const auto got = test::ReadUntilClosed(slow.get(), kPatience);
    CHECK(got.closed);
    CHECK(Clock::now() - start >= 200ms);
    CHECK(Client(Loopback(server.Port())).Get("/").status == 200);
}

TEST_CASE("a body that does not arrive within read_timeout ends the connection") {
    auto o = Options();
    o.read_timeout = 200ms;
    std::atomic<int> calls{0};
    Server server(o, [&](const Request&) {
        ++calls;
        return Ok();
    });
    server.Start();
    const auto slow = test::ConnectLoopback(server.Port());
    test::SendAll(slow.get(), "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nshort");
    CHECK(test::ReadUntilClosed(slow.get(), kPatience).closed);
    CHECK(calls == 0);
}

TEST_CASE("an idle kept-alive connection is closed after idle_timeout") {
    auto o = Options();
    o.idle_timeout = 200ms;
    Server server(o, [](const Request&) { return Ok(); });
    server.Start();
    const auto conn = test::ConnectLoopback(server.Port());
    // The idle clock starts once the answer is written, so surely after this.
    const auto start = Clock::now();
    test::SendAll(conn.get(), kGet);
    CHECK(test::ReadResponse(conn.get(), kPatience).find("HTTP/1.1 200") == 0);
    const auto got = test::ReadUntilClosed(conn.get(), kPatience);
    CHECK(got.closed);
    CHECK(got.data.empty());
    CHECK(Clock::now() - start >= 200ms);
}

TEST_CASE("a malformed request gets 400 and the server serves the next connection") {
    Server server(Options(), [](const Request&) { return Ok(); });
    server.Start();
    const auto bad = test::ConnectLoopback(server.Port());
    test::SendAll(bad.get(), "\x01\x02 nonsense\r\n\r\n");
    const auto got = test::ReadUntilClosed(bad.get(), kPatience);
    CHECK(got.data.find("HTTP/1.1 400") == 0);
    CHECK(got.closed);
    CHECK(Client(Loopback(server.Port())).Get("/").status == 200);
}

TEST_CASE("pipelined requests are answered in order") {
    Server server(Options(), [](const Request& req) {
        Response r;
        r.body = std::string(req.Path());
        return r;
    });
    server.Start();
    const auto conn = test::ConnectLoopback(server.Port());
    test::SendAll(conn.get(),
                  "GET /one HTTP/1.1\r\nHost: t\r\n\r\nGET /two HTTP/1.1\r\nHost: t\r\n\r\n");
    const auto first = test::ReadResponse(conn.get(), kPatience);
    const auto second = test::ReadResponse(conn.get(), kPatience);
    CHECK(first.substr(first.size() - 4) == "/one");
    CHECK(second.substr(second.size() - 4) == "/two");
}

TEST_CASE("a HEAD request is answered with the length but without the body") {
    Server server(Options(), [](const Request&) { return Ok(); });
    server.Start();
    const auto conn = test::ConnectLoopback(server.Port());
    test::SendAll(conn.get(), "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n");
    const auto head = test::ReadUntil(conn.get(), "\r\n\r\n", kPatience);
    CHECK(head.find("HTTP/1.1 200") == 0);
    CHECK(head.find("Content-Length: 2\r\n") != std::string::npos);
    test::SendAll(conn.get(), kGet);  // a body after the HEAD answer would come first
    const auto get = test::ReadResponse(conn.get(), kPatience);
    CHECK(get.find("HTTP/1.1 200") == 0);
    CHECK(get.substr(get.size() - 2) == "ok");
}

TEST_CASE("a connection over max_connections closes the idle one") {
    auto o = Options();
    o.max_connections = 1;
    Server server(o, [](const Request&) { return Ok(); });
    server.Start();
    const auto first = test::ConnectLoopback(server.Port());
    test::SendAll(first.get(), kGet);  // answered: it is surely a session now
    CHECK(test::ReadResponse(first.get(), kPatience).find("HTTP/1.1 200") == 0);

    // The first is idle (kept alive): the newer connection is served instead.
    // The server marks it idle just after its answer left, so a connection
    // that races that moment may be refused; a later one must be served.
    bool served = false;
    int attempts = 0;
    for (; attempts < 50 && !served; ++attempts) {
        const auto extra = test::ConnectLoopback(server.Port());
        test::SendAll(extra.get(), kGet);
        served = test::ReadResponse(extra.get(), kPatience).find("HTTP/1.1 200") == 0;
    }
    CHECK(served);
    const auto got = test::ReadUntilClosed(first.get(), kPatience);
    CHECK(got.closed);
    CHECK(got.data.empty());
    CHECK(server.Accepted() == static_cast<std::uint64_t>(1 + attempts));
}

TEST_CASE("a client request to a server that never answers times out") {
    test::Listener silent;  // connections wait in the backlog, never answered
    Client client(Loopback(silent.Port()));
    const auto start = Clock::now();
    const auto e = ErrorOf([&] { client.Get("/bot123:SECRET/getMe", 200ms); });
    CHECK(e.kind() == HttpError::Kind::kTimeout);
    CHECK(Clock::now() - start < kPatience);
    const std::string what = e.what();
    CHECK(what.find("127.0.0.1:" + std::to_string(silent.Port())) != std::string::npos);
    CHECK(what.find("SECRET") == std::string::npos);
}

TEST_CASE("a refused connection is an HttpError kConnect") {
    test::Listener closed(false);  // bound, not listening
    const auto e = ErrorOf([&] { Client(Loopback(closed.Port())).Get("/bot123:SECRET/x"); });
    CHECK(e.kind() == HttpError::Kind::kConnect);
    CHECK(std::string(e.what()).find("SECRET") == std::string::npos);
}

constexpr std::string_view kKeepAliveOk =
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok";

TEST_CASE("a stale kept-alive connection is retried once on a new one") {
    test::Listener peer;
    int requests = 0;
    std::thread server([&] {
        for (int i = 0; i < 2; ++i) {
            auto conn = peer.Accept(kPatience);
            if (!conn.valid()) return;
            if (test::ReadUntil(conn.get(), "\r\n\r\n", kPatience).empty()) continue;
            ++requests;
            test::SendAll(conn.get(), kKeepAliveOk);
            // Then closes, as a server does when its keep-alive ends.
        }
    });
    Client client(Loopback(peer.Port()));
    CHECK(client.Get("/").body == "ok");
    CHECK(client.Get("/").body == "ok");  // the first connection was closed under it
    server.join();
    CHECK(requests == 2);
}

TEST_CASE("a request whose response was cut short is not retried") {
    test::Listener peer;
    std::thread server([&] {
        auto conn = peer.Accept(kPatience);
        if (!conn.valid()) return;
        test::ReadUntil(conn.get(), "\r\n\r\n", kPatience);
        test::SendAll(conn.get(), kKeepAliveOk);
        test::ReadUntil(conn.get(), "\r\n\r\n", kPatience);
        test::SendAll(conn.get(), "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    });
    Client client(Loopback(peer.Port()));
    CHECK(client.Get("/").body == "ok");
    const auto e = ErrorOf([&] { client.Post("/", "text/plain", "charge the card"); });
    server.join();
    CHECK(e.kind() == HttpError::Kind::kProtocol);
    // A retry would have connected before the error was thrown.
    CHECK_FALSE(peer.Accept(0ms).valid());
}

TEST_CASE("http:// is refused for a host that is not loopback") {
    CHECK_THROWS_AS(Client("http://api.telegram.org/bot123:SECRET"), std::invalid_argument);
    CHECK_THROWS_WITH(Client("http://10.0.0.1/bot123:SECRET"),
                      Catch::Contains("loopback") && !Catch::Contains("SECRET"));
    CHECK_NOTHROW(Client("http://127.0.0.1:8080/x"));
    CHECK_NOTHROW(Client("http://127.9.8.7"));
    CHECK_NOTHROW(Client("http://localhost:1"));
    CHECK_NOTHROW(Client("http://[::1]:8080"));
    CHECK_NOTHROW(Client("https://api.telegram.org/bot123:SECRET"));
    CHECK_THROWS_AS(Client("http://127.0.0.1.example.com"), std::invalid_argument);
    CHECK_THROWS_AS(Client("ftp://127.0.0.1"), std::invalid_argument);
    CHECK_THROWS_AS(Client("https://user:pw@example.com"), std::invalid_argument);
    CHECK_THROWS_AS(Client("https://example.com:99999"), std::invalid_argument);
    CHECK_THROWS_AS(Client("https://example.com/a?b=c"), std::invalid_argument);
}

}  // namespace
}  // namespace bookbot::transports::http
