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
// the matching status (413 body, 431 header, 503 busy, 400 malformed) and
// disconnected, or (a timeout) just disconnected; never served without bound.
// Handlers run on their own pool, so slow clients never hold a handler thread.
struct ServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;  // 0: any free port (see Server::Port)
    std::size_t body_limit = std::size_t{1024} * 1024;
    std::size_t header_limit = std::size_t{16} * 1024;
    std::chrono::milliseconds header_timeout{10'000};  // to receive a request's header
                                                       // (and a new connection's first byte)
    std::chrono::milliseconds read_timeout{30'000};    // to receive a whole request
    std::chrono::milliseconds idle_timeout{60'000};    // keep-alive between requests
    // At this many connections, a new one closes the oldest idle one (then
    // the oldest still sending its request); only when every connection has
    // a request in a handler is the new one closed. Logged at most every 10 s.
    std::size_t max_connections = 512;
    // Request bodies held in memory at once (being read or handled), in
    // bytes. A body waits (unread, in the kernel's buffers) for room, up to
    // read_timeout, then gets 503. A body larger than this waits to be alone.
    std::size_t body_memory = std::size_t{8} * 1024 * 1024;
    std::size_t max_concurrent_requests = 64;  // beyond: 503, Retry-After: 1, no handler call
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

    // Stops accepting, lets requests in flight finish and be answered (up to
    // `drain`; requests that arrive meanwhile get 503), skips handlers not yet
    // started (503), closes every connection, joins all threads, and returns
    // true. A handler still running 200 ms after `drain` cannot be
    // interrupted: Shutdown then returns false at once, leaving it running
    // (its answer dropped). The caller must then end the process soon
    // without destroying what handlers use (std::_Exit); the server object
    // itself stays valid. Idempotent; must not be called from a handler.
    bool Shutdown(std::chrono::milliseconds drain);

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
