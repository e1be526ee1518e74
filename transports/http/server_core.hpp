#pragma once

// The HTTP server's internals, shared by server.cpp (Core: the acceptor, the
// handler pool, the budgets and the lifecycle) and server_session.cpp
// (Session: one connection). Beast is included here, so only those two files
// include this header (each costs ~7 s and ~550 MB to compile).

#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "bookbot/core/log_throttle.hpp"
#include "bookbot/transports/http/server.hpp"

namespace bookbot::transports::http::detail {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

constexpr std::chrono::seconds kPressureLogInterval{10};

// A plain-text answer ("text\n") from the server itself.
BeastResponse Plain(unsigned status, unsigned version, std::string text);

class Session;

// Everything the server shares with its sessions. Server::Impl is this.
class Core {
public:
    Core(ServerOptions options, Handler handler);

    std::uint16_t Port() const { return port_; }
    void Start();
    bool Shutdown(std::chrono::milliseconds drain);
    bool Abandoned() const { return stuck_; }
    std::size_t InFlight() const { return in_flight_.load(); }
    std::uint64_t Accepted() const { return accepted_.load(); }

    // For sessions (any thread).
    const ServerOptions& options() const { return options_; }
    bool Stopping() const { return stopping_.load(); }
    bool Admit();
    void Release();
    // Memory for one request body of up to `bytes`: false while the bodies
    // already held would exceed ServerOptions::body_memory with it (a body
    // larger than the whole budget waits until it has the budget alone).
    bool ReserveBody(std::size_t bytes);
    void ReleaseBody(std::size_t bytes);
    void Dispatch(std::shared_ptr<Session> session, Request request, std::size_t reserved);
    void Forget(Session* session, std::uint64_t serial);

private:
    void Accept();
    void OnAccept(beast::error_code ec, tcp::socket socket);
    Response Call(const Request& request);
    // Closes every connection: `now`, or once the request in its handler
    // is answered (Session::Stop).
    void CloseSessions(bool now);
    // At the connection cap: closes the oldest connection that has no
    // request in a handler (idle ones first). False if every one is busy.
    bool EvictOne();

    const ServerOptions options_;
    const Handler handler_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> abandoned_{false};  // after the drain: skip handlers still queued
    std::atomic<std::size_t> in_flight_{0};
    std::atomic<std::size_t> connections_{0};
    std::atomic<std::uint64_t> accepted_{0};
    std::atomic<std::uint64_t> evicted_{0};
    std::atomic<std::uint64_t> refused_{0};
    std::atomic<bool> stuck_{false};  // handlers were still running after the drain
    std::uint64_t next_serial_ = 0;   // accept strand only
    core::log::Throttle pressure_log_{kPressureLogInterval};
    core::log::Throttle handler_error_log_{kPressureLogInterval};

    std::mutex body_mutex_;
    std::size_t body_bytes_ = 0;  // reserved for bodies being read or handled
    std::size_t untrimmed_ = 0;   // body bytes released since the last malloc_trim

    std::mutex mutex_;  // guards sessions_; in_flight_ reaching 0 is signalled under it
    std::condition_variable drained_;
    // By accept order, so that the oldest idle connection is found first.
    std::map<std::uint64_t, std::weak_ptr<Session>> sessions_;

    std::mutex lifecycle_;  // serialises Start and Shutdown
    bool started_ = false;
    bool shut_down_ = false;

    // Declared after what sessions touch in their destructors, so that any
    // session still held by a pending operation dies before those members.
    net::io_context ioc_;
    net::strand<net::io_context::executor_type> accept_strand_;
    tcp::acceptor acceptor_;
    net::steady_timer accept_retry_;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
    std::vector<std::thread> io_threads_;
    std::optional<net::thread_pool> pool_;
    std::uint16_t port_ = 0;
};

// One connection: reads one request at a time within its budgets, hands it
// to the pool, writes the answer, and goes back to reading (keep-alive).
// Every member is touched only on the session's strand.
class Session : public std::enable_shared_from_this<Session> {
public:
    // What the connection is doing, for shedding load: an idle one (between
    // requests, or before its first) is the first to go, then one still
    // sending its request; one whose request is in a handler never.
    enum class State { kIdle, kReading, kBusy };

    Session(tcp::socket socket, Core& core, std::uint64_t serial)
        : core_(core),
          stream_(std::move(socket)),
          budget_timer_(stream_.get_executor()),
          serial_(serial) {}
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    ~Session();

    void Run();

    // Any thread.
    State state() const { return state_.load(); }
    bool Doomed() const { return doomed_.load(); }

    // Any thread: closes the connection now.
    void Close();

    // Any thread, when the server stops: closes the connection, but lets a
    // request in a handler be answered first (Reply closes after writing),
    // and an answer being written go out within kFinalWrite.
    void Stop();

    // Any thread: the handler's answer to the request being handled.
    void Reply(Response response);

private:
    // Waits for the first byte of the next request (idle keep-alive budget;
    // a new connection gets the header budget).
    void Wait();
    void ReadHeader();
    // Holds the body back (the client waits, its bytes in the kernel's
    // buffers, not ours) until the server's body memory budget has room,
    // within the request's read_timeout; then reads it.
    void ReserveBody();
    void ReleaseBody();
    void Continue();
    void ReadBody();
    void OnReadError(beast::error_code ec);
    void Fail(unsigned status, std::string text, const char* retry_after = nullptr);
    void OnRequest();
    void Send(BeastResponse res, bool close);
    // The request being answered no longer counts as in flight.
    void Finished();
    // Half-closes, then reads and drops what the client still sends, for a
    // bounded time and size, before closing.
    void Linger();
    void Discard();
    void DoClose();

    Core& core_;
    beast::tcp_stream stream_;
    net::steady_timer budget_timer_;
    const std::uint64_t serial_;
    std::atomic<State> state_{State::kIdle};
    std::atomic<bool> doomed_{false};  // closing: not to be chosen for eviction again
    std::size_t reserved_ = 0;         // body memory held from the server's budget
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::optional<BeastResponse> response_;
    std::chrono::steady_clock::time_point request_start_;
    unsigned version_ = 11;
    bool keep_alive_ = true;
    bool head_ = false;  // answer without a body
    bool first_ = true;
    bool admitted_ = false;  // counted in the server's in-flight requests
    bool closed_ = false;
    std::size_t lingered_ = 0;
    std::array<char, 4096> scratch_{};
};

}  // namespace bookbot::transports::http::detail
