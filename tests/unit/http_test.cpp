// The HTTP server and client tested against each other: what a platform
// (or our outbox) would notice. Misbehaving peers are in http_socket_test.cpp,
// TLS in http_tls_test.cpp.
#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "bookbot/transports/http/client.hpp"
#include "bookbot/transports/http/server.hpp"
#include "gate.hpp"
#include "http_sockets.hpp"

namespace bookbot::transports::http {
namespace {

using namespace std::chrono_literals;

ServerOptions Options() {
    ServerOptions o;
    o.port = 0;
    return o;
}

std::string UrlOf(const Server& server) {
    return "http://127.0.0.1:" + std::to_string(server.Port());
}

Response Text(std::string body, int status = 200) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

// Runs a request on another thread; an error is kept, never thrown there.
class Background {
public:
    Background(Client& client, std::string path)
        : thread_([this, &client, p = std::move(path)] {
              try {
                  response_ = client.Get(p);
              } catch (const std::exception& e) {
                  error_ = e.what();
              }
          }) {}
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;
    ~Background() {
        if (thread_.joinable()) thread_.join();
    }

    // The response, after the request ended; fails the test on an error.
    ClientResponse Join() {
        if (thread_.joinable()) thread_.join();
        INFO(error_);
        REQUIRE(response_);
        return *response_;
    }

private:
    std::optional<ClientResponse> response_;
    std::string error_;
    std::thread thread_;
};

HttpError::Kind KindOf(const std::function<void()>& call) {
    try {
        call();
    } catch (const HttpError& e) {
        return e.kind();
    }
    FAIL("no HttpError");
    return HttpError::Kind::kProtocol;
}

TEST_CASE("a POST and a GET travel with their headers and bodies") {
    std::mutex m;
    std::vector<Request> seen;
    Server server(Options(), [&](const Request& req) {
        const std::lock_guard lock(m);
        seen.push_back(req);
        Response r = Text(req.method == "POST" ? "echo:" + req.body : "ok", 201);
        r.content_type = "application/json";
        r.headers.emplace_back("X-Echo", std::string(req.Header("x-test").value_or("none")));
        return r;
    });
    server.Start();
    ClientOptions co;
    co.headers = {{"X-Test", "yes"}};
    Client client(UrlOf(server) + "/prefix/", co);

    const auto post = client.Post("/items?x=1", "application/json", R"({"a":1})");
    CHECK(post.status == 201);
    CHECK(post.body == R"(echo:{"a":1})");
    CHECK(post.Header("content-type") == "application/json");
    CHECK(post.Header("X-ECHO") == "yes");

    const auto get = client.Get("status");
    CHECK(get.status == 201);
    CHECK(get.body == "ok");

    const std::lock_guard lock(m);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].method == "POST");
    CHECK(seen[0].target == "/prefix/items?x=1");
    CHECK(seen[0].Path() == "/prefix/items");
    CHECK(seen[0].Header("Content-Type") == "application/json");
    CHECK(seen[0].body == R"({"a":1})");
    CHECK(seen[1].method == "GET");
    CHECK(seen[1].target == "/prefix/status");
    CHECK(seen[1].body.empty());
    CHECK(client.Authority() == "127.0.0.1:" + std::to_string(server.Port()));
}

TEST_CASE("sequential requests reuse one kept-alive connection") {
    Server server(Options(), [](const Request&) { return Text("ok"); });
    server.Start();
    Client client(UrlOf(server));
    for (int i = 0; i < 3; ++i) CHECK(client.Get("/").status == 200);
    CHECK(server.Accepted() == 1);
}

TEST_CASE("a body over the limit is answered 413 without calling the handler") {
    auto o = Options();
    o.body_limit = 1024;
    std::atomic<int> calls{0};
    Server server(o, [&](const Request&) {
        ++calls;
        return Text("ok");
    });
    server.Start();
    Client client(UrlOf(server));
    CHECK(client.Post("/", "text/plain", std::string(4096, 'x')).status == 413);
    CHECK(calls == 0);
    CHECK(client.Post("/", "text/plain", std::string(1024, 'x')).status == 200);
    CHECK(calls == 1);
}

TEST_CASE("a header over the limit is answered 431") {
    auto o = Options();
    o.header_limit = 1024;
    std::atomic<int> calls{0};
    Server server(o, [&](const Request&) {
        ++calls;
        return Text("ok");
    });
    server.Start();
    ClientOptions co;
    co.headers = {{"X-Big", std::string(4096, 'h')}};
    CHECK(Client(UrlOf(server), co).Get("/").status == 431);
    CHECK(calls == 0);
    CHECK(Client(UrlOf(server)).Get("/").status == 200);
}

TEST_CASE("requests over the concurrency budget get 503 with Retry-After") {
    auto o = Options();
    o.max_concurrent_requests = 1;
    o.handler_threads = 2;
    auto entered = test::Gate::Make(1);
    auto release = test::Gate::Make(1);
    auto other_calls = std::make_shared<std::atomic<int>>(0);
    Server server(o, [entered, release, other_calls](const Request& req) {
        if (req.Path() == "/block") {
            entered->Arrive();
            (void)release->WaitFor(10s);
        } else {
            ++*other_calls;
        }
        return Text("done");
    });
    server.Start();
    Client client(UrlOf(server));

    Background first(client, "/block");
    REQUIRE(entered->WaitFor(10s));
    CHECK(server.InFlight() == 1);
    const auto busy = client.Get("/other");
    release->Arrive();
    const auto blocked = first.Join();

    CHECK(busy.status == 503);
    CHECK(busy.Header("Retry-After") == "1");
    CHECK(*other_calls == 0);
    CHECK(blocked.status == 200);
    CHECK(blocked.body == "done");
}

TEST_CASE("a handler that throws yields 500 and the server goes on") {
    Server server(Options(), [](const Request& req) -> Response {
        if (req.Path() == "/throw") throw std::runtime_error("boom");
        return Text("fine");
    });
    server.Start();
    Client client(UrlOf(server));
    const auto failed = client.Get("/throw");
    CHECK(failed.status == 500);
    CHECK(failed.body.find("boom") == std::string::npos);
    CHECK(client.Get("/").body == "fine");
}

TEST_CASE("a handler's invalid response becomes a 500, never a broken message") {
    Server server(Options(), [](const Request& req) {
        Response r = Text("x");
        if (req.Path() == "/status") r.status = 42;
        if (req.Path() == "/header") r.headers.emplace_back("X-Bad", "a\r\nSet-Cookie: evil");
        return r;
    });
    server.Start();
    Client client(UrlOf(server));
    CHECK(client.Get("/status").status == 500);
    const auto injected = client.Get("/header");
    CHECK(injected.status == 500);
    CHECK_FALSE(injected.Header("Set-Cookie"));
}

TEST_CASE("Shutdown lets a request in flight finish, then refuses connections") {
    auto entered = test::Gate::Make(1);
    auto release = test::Gate::Make(1);
    Server server(Options(), [entered, release](const Request& req) {
        if (req.Path() == "/block") {
            entered->Arrive();
            (void)release->WaitFor(10s);
        }
        return Text("finished");
    });
    server.Start();
    const auto port = server.Port();
    Client client(UrlOf(server));
    const auto idle = test::ConnectLoopback(port);  // a kept-alive connection
    test::SendAll(idle.get(), "GET /quick HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(test::ReadResponse(idle.get(), 5s).find("HTTP/1.1 200") == 0);

    Background request(client, "/block");
    REQUIRE(entered->WaitFor(10s));
    std::thread stopper([&] { server.Shutdown(10s); });
    // Accepting stops first...
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!test::ConnectionRefused(port) && std::chrono::steady_clock::now() < deadline) {
    }
    CHECK(test::ConnectionRefused(port));
    // ...then, while draining, connections stay open and new requests get 503.
    test::SendAll(idle.get(), "GET /quick HTTP/1.1\r\nHost: t\r\n\r\n");
    const auto refused = test::ReadUntilClosed(idle.get(), 5s);
    CHECK(refused.data.find("HTTP/1.1 503") == 0);
    CHECK(refused.data.find("Retry-After: 1") != std::string::npos);
    CHECK(refused.closed);
    release->Arrive();
    stopper.join();  // returns once the answer is written
    const auto answer = request.Join();

    CHECK(answer.status == 200);
    CHECK(answer.body == "finished");
    CHECK(answer.Header("Connection") == "close");
    CHECK(KindOf([&] { Client(UrlOf(server)).Get("/"); }) == HttpError::Kind::kConnect);
    server.Shutdown(0ms);  // idempotent
}

TEST_CASE("the server refuses to bind an address in use, naming it") {
    Server first(Options(), [](const Request&) { return Text("ok"); });
    auto o = Options();
    o.port = first.Port();
    const std::string name = "127.0.0.1:" + std::to_string(first.Port());
    CHECK_THROWS_WITH(Server(o, [](const Request&) { return Text("ok"); }),
                      Catch::StartsWith(name + ": "));
}

TEST_CASE("a response over the client's limit is an HttpError kTooLarge") {
    Server server(Options(), [](const Request&) { return Text(std::string(4096, 'r')); });
    server.Start();
    ClientOptions co;
    co.response_limit = 1024;
    Client client(UrlOf(server), co);
    CHECK(KindOf([&] { client.Get("/"); }) == HttpError::Kind::kTooLarge);
    co.response_limit = 8192;
    CHECK(Client(UrlOf(server), co).Get("/").body.size() == 4096);
}

TEST_CASE("https:// to a plain HTTP server fails the TLS handshake") {
    Server server(Options(), [](const Request&) { return Text("ok"); });
    server.Start();
    Client client("https://127.0.0.1:" + std::to_string(server.Port()));
    CHECK(KindOf([&] { client.Get("/"); }) == HttpError::Kind::kTls);
}

}  // namespace
}  // namespace bookbot::transports::http
