#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "bookbot/transports/http/message.hpp"

namespace bookbot::transports::http {

// Called on one of the server's handler threads for every complete request.
// May block (it runs a database transaction). Should not throw; if it does,
// the client gets a 500 and the server goes on.
using Handler = std::function<Response(const Request&)>;

// Every connection has budgets; a client that exceeds one is answered with
// the matching status (413, 408, 431, 503) or disconnected, never served
// without bound.
struct ServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;  // 0: any free port (see Server::Port)
    std::size_t body_limit = 1024 * 1024;
    std::size_t header_limit = 16 * 1024;
    std::chrono::milliseconds header_timeout{10'000};  // to receive a request's header
    std::chrono::milliseconds read_timeout{30'000};    // to receive a whole request
    std::chrono::milliseconds idle_timeout{60'000};    // keep-alive between requests
    std::size_t max_connections = 512;                 // beyond: new connections closed
    std::size_t max_concurrent_requests = 64;          // beyond: 503 with Retry-After
    int handler_threads = 4;
};

// One HTTP/1.1 server (Boost.Beast underneath, never in this header).
// Thread-safe; not copyable.
class Server {
public:
    // Binds and listens; throws std::runtime_error naming the address when it
    // cannot (e.g. "127.0.0.1:8080: address already in use").
    Server(ServerOptions options, Handler handler);
    ~Server();  // Shutdown(0) if still running
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // The bound port (useful with port 0).
    std::uint16_t Port() const;

    // Starts accepting on background threads; returns at once.
    void Start();

    // Stops accepting, lets requests in flight finish (up to `drain`), closes
    // every connection, joins all threads. Idempotent.
    void Shutdown(std::chrono::milliseconds drain);

    // Requests being handled right now: admitted and not yet answered (for
    // metrics and tests).
    std::size_t InFlight() const;

    // Connections accepted since Start, including those closed at once for
    // being over max_connections (for metrics and tests).
    std::uint64_t Accepted() const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace bookbot::transports::http
