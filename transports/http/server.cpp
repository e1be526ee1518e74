// The HTTP server: Boost.Beast underneath (this file, server_session.cpp and
// client.cpp are the only places that include it). Modelled on Beast's
// example/advanced/server: an acceptor and one session per connection on a
// small I/O io_context, every session on its own strand with explicit budgets;
// the handler runs on a separate thread pool because it blocks on the
// database, and its response is posted back to the session's strand.
#include "bookbot/transports/http/server.hpp"

#include <algorithm>
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

#include <boost/asio/post.hpp>
#include <future>
#include <stdexcept>
#include <utility>

#include "bookbot/core/log.hpp"
#include "server_core.hpp"

namespace bookbot::transports::http {

namespace detail {
namespace {

// Sockets only: reading, parsing and writing are cheap next to a handler, and
// one thread waits in epoll and runs every completion itself, while a second
// one would mostly hand completions over to the first (a futex wake-up each).
constexpr unsigned kIoThreads = 1;
constexpr std::chrono::milliseconds kAcceptRetry{50};
// After the drain deadline, handlers that are returning get this long to be
// answered before the server gives up on them.
constexpr std::chrono::milliseconds kAbandonGrace{200};
// After this many bytes of bodies, memory freed is handed back to the system
// (also whenever the last body in memory is done).
constexpr std::size_t kTrimAfterBytes = std::size_t{64} * 1024 * 1024;

std::string EndpointName(const std::string& address, std::uint16_t port) {
    const bool v6 = address.find(':') != std::string::npos;
    return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

}  // namespace

Core::Core(ServerOptions options, Handler handler)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      accept_strand_(net::make_strand(ioc_)),
      acceptor_(accept_strand_),
      accept_retry_(accept_strand_) {
    const auto fail = [&](const std::string& why) {
        throw std::runtime_error(EndpointName(options_.address, options_.port) + ": " + why);
    };
    beast::error_code ec;
    const auto address = net::ip::make_address(options_.address, ec);
    if (ec) fail("not an IP address");
    const tcp::endpoint endpoint{address, options_.port};
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) fail(ec.message());
    port_ = acceptor_.local_endpoint().port();
}

void Core::Start() {
    const std::lock_guard lock(lifecycle_);
    if (started_ || shut_down_) return;
    started_ = true;
    pool_.emplace(static_cast<std::size_t>(std::max(1, options_.handler_threads)));
    work_.emplace(ioc_.get_executor());
    net::post(accept_strand_, [this] { Accept(); });
    for (unsigned i = 0; i < kIoThreads; ++i) {
        io_threads_.emplace_back([this] {
            while (true) {
                try {
                    ioc_.run();
                    return;
                } catch (...) {  // a completion handler threw (bad_alloc): go on serving
                }
            }
        });
    }
}

void Core::Accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket s) {
        OnAccept(ec, std::move(s));
    });
}

void Core::OnAccept(beast::error_code ec, tcp::socket socket) {
    if (stopping_) return;
    if (ec) {
        if (ec == net::error::operation_aborted) return;
        // E.g. out of file descriptors: try again shortly instead of spinning.
        accept_retry_.expires_after(kAcceptRetry);
        accept_retry_.async_wait([this](beast::error_code wait_ec) {
            if (!wait_ec && !stopping_) Accept();
        });
        return;
    }
    ++accepted_;
    bool admit = true;
    if (connections_.load() >= std::max<std::size_t>(1, options_.max_connections)) {
        // A newer connection is worth more than an idle old one: that is how
        // a health check gets through 10,000 idle sockets.
        admit = EvictOne();
        ++(admit ? evicted_ : refused_);
        if (const auto held = pressure_log_.Allow()) {
            core::log::Warn("http.connection_pressure",
                            {{"connections", connections_.load()},
                             {"max_connections", options_.max_connections},
                             {"idle_evicted_total", evicted_.load()},
                             {"refused_total", refused_.load()},
                             {"similar_lines_held_back", *held}});
        }
    }
    if (admit) {
        socket.set_option(tcp::no_delay(true), ec);
        ++connections_;
        const std::uint64_t serial = next_serial_++;
        auto session = std::make_shared<Session>(std::move(socket), *this, serial);
        {
            const std::lock_guard lock(mutex_);
            sessions_.emplace(serial, session);
        }
        session->Run();
    } else {
        socket.close(ec);
    }
    Accept();
}

bool Core::EvictOne() {
    std::shared_ptr<Session> victim;
    {
        const std::lock_guard lock(mutex_);
        for (const auto wanted : {Session::State::kIdle, Session::State::kReading}) {
            for (const auto& [serial, weak] : sessions_) {
                auto s = weak.lock();
                if (s && !s->Doomed() && s->state() == wanted) {
                    victim = std::move(s);
                    break;
                }
            }
            if (victim) break;
        }
    }
    // Outside the lock: dropping the last reference runs the destructor,
    // which takes it.
    if (!victim) return false;
    victim->Close();
    return true;
}

bool Core::Admit() {
    const std::size_t limit = std::max<std::size_t>(1, options_.max_concurrent_requests);
    std::size_t n = in_flight_.load();
    do {
        if (n >= limit) return false;
    } while (!in_flight_.compare_exchange_weak(n, n + 1));
    return true;
}

void Core::Release() {
    {
        const std::lock_guard lock(mutex_);
        --in_flight_;
    }
    drained_.notify_all();
}

bool Core::ReserveBody(std::size_t bytes) {
    const std::size_t budget = std::max<std::size_t>(1, options_.body_memory);
    const std::lock_guard lock(body_mutex_);
    if (body_bytes_ > 0 && body_bytes_ + bytes > budget) return false;
    body_bytes_ += bytes;
    return true;
}

void Core::ReleaseBody(std::size_t bytes) {
    bool trim = false;
    {
        const std::lock_guard lock(body_mutex_);
        body_bytes_ -= std::min(bytes, body_bytes_);
        untrimmed_ += bytes;
        // A burst of large bodies (and the trees parsed from them) leaves
        // freed memory in the allocator; give it back once the burst is over.
        if ((body_bytes_ == 0 && untrimmed_ >= options_.body_limit) ||
            untrimmed_ >= kTrimAfterBytes) {
            untrimmed_ = 0;
            trim = true;
        }
    }
#if defined(__GLIBC__)
    if (trim) malloc_trim(0);
#else
    static_cast<void>(trim);
#endif
}

void Core::Forget(Session* /*session*/, std::uint64_t serial) {
    {
        const std::lock_guard lock(mutex_);
        sessions_.erase(serial);
    }
    --connections_;
}

Response Core::Call(const Request& request) {
    const auto fail = [&](std::string_view what) {
        if (const auto held = handler_error_log_.Allow()) {
            core::log::Error("http.handler_failed", {{"method", request.method},
                                                     {"path", std::string(request.Path())},
                                                     {"error", what},
                                                     {"similar_lines_held_back", *held}});
        }
        return Response{500, "text/plain; charset=utf-8", {}, "internal error\n"};
    };
    try {
        return handler_(request);
    } catch (const std::exception& e) {
        return fail(e.what());
    } catch (...) {
        return fail("unknown exception");
    }
}

void Core::Dispatch(std::shared_ptr<Session> session, Request request, std::size_t reserved) {
    net::post(*pool_, [this, s = std::move(session), r = std::move(request), reserved]() mutable {
        Response response = abandoned_ ? Response{503,
                                                  "text/plain; charset=utf-8",
                                                  {{"Retry-After", "1"}},
                                                  "shutting down\n"}
                                       : Call(r);
        r = {};  // the body's memory goes back to the budget with it
        if (reserved > 0) ReleaseBody(reserved);
        s->Reply(std::move(response));
    });
}

void Core::CloseSessions(bool now) {
    std::vector<std::shared_ptr<Session>> open;
    {
        const std::lock_guard lock(mutex_);
        for (const auto& [serial, weak] : sessions_) {
            if (auto s = weak.lock()) open.push_back(std::move(s));
        }
    }
    for (const auto& s : open) {
        if (now) {
            s->Close();
        } else {
            s->Stop();
        }
    }
}

bool Core::Shutdown(std::chrono::milliseconds drain) {
    const std::lock_guard lock(lifecycle_);
    if (shut_down_) return !stuck_;
    shut_down_ = true;
    stopping_ = true;

    // 1. No new connections: the acceptor is closed on its own strand.
    const auto close_acceptor = [this] {
        beast::error_code ec;
        acceptor_.close(ec);
        accept_retry_.cancel();
    };
    if (!started_) {
        close_acceptor();
        return true;
    }
    std::promise<void> closed;
    net::post(accept_strand_, [&] {
        close_acceptor();
        closed.set_value();
    });
    closed.get_future().wait();

    // 2. Requests in flight finish and are answered (with Connection: close).
    {
        std::unique_lock wait(mutex_);
        drained_.wait_for(wait, drain, [this] { return in_flight_.load() == 0; });
    }

    // 3. Handlers not yet started are skipped (503); idle connections
    // close; a handler returning now still gets its answer out, within a
    // short grace.
    abandoned_ = true;
    CloseSessions(/*now=*/false);
    {
        std::unique_lock wait(mutex_);
        drained_.wait_for(wait, kAbandonGrace, [this] { return in_flight_.load() == 0; });
    }
    if (in_flight_.load() > 0) {
        // A handler blocked past the deadline (a database lock) cannot be
        // interrupted. It is left running, its answer dropped, and the
        // caller ends the process (see Server::Shutdown): the platform
        // delivers what was not answered again.
        stuck_ = true;
        core::log::Warn("http.handlers_abandoned", {{"running", in_flight_.load()}});
        CloseSessions(/*now=*/true);
        work_.reset();
        for (auto& t : io_threads_) t.join();
        return false;
    }
    pool_->join();
    work_.reset();
    for (auto& t : io_threads_) t.join();
    return true;
}

}  // namespace detail

class Server::Impl : public detail::Core {
public:
    using Core::Core;
};

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() {
    try {
        impl_->Shutdown(std::chrono::milliseconds(0));
    } catch (...) {
        // A destructor must not throw; a failed stop leaves only sockets the
        // process is about to release anyway.
    }
    // Handlers still running use the server: it stays, for the process's
    // remaining moments (see Shutdown).
    if (impl_->Abandoned()) static_cast<void>(impl_.release());
}

std::uint16_t Server::Port() const { return impl_->Port(); }
void Server::Start() { impl_->Start(); }
bool Server::Shutdown(std::chrono::milliseconds drain) { return impl_->Shutdown(drain); }
std::size_t Server::InFlight() const { return impl_->InFlight(); }
std::uint64_t Server::Accepted() const { return impl_->Accepted(); }

}  // namespace bookbot::transports::http
