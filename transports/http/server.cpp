// The HTTP server: Boost.Beast underneath (this file and client.cpp are the
// only places that include it). Modelled on Beast's example/advanced/server:
// an acceptor and one session per connection on a small I/O io_context, every
// session on its own strand with explicit budgets; the handler runs on a
// separate thread pool because it blocks on the database, and its response is
// posted back to the session's strand.
#include "bookbot/transports/http/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "bookbot/core/log.hpp"
#include "bookbot/core/log_throttle.hpp"
#include "syntax.hpp"

namespace bookbot::transports::http {

namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

// After an answer that closes the connection, the rest of what the client
// sent is read and dropped for a short while, so that closing with unread
// data (which makes the kernel send a reset) does not destroy the answer.
constexpr std::size_t kLingerBytes = std::size_t{1024} * 1024;
constexpr std::chrono::milliseconds kMaxLinger{1000};
constexpr std::chrono::milliseconds kAcceptRetry{50};
constexpr std::size_t kFirstRead = 4096;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// A body waiting for the memory budget looks again this often.
constexpr std::chrono::milliseconds kBudgetRetry{10};
// After the drain deadline, handlers that are returning get this long to be
// answered before the server gives up on them.
constexpr std::chrono::milliseconds kAbandonGrace{200};
// Answers being written when the server stops get this long to go out.
constexpr std::chrono::milliseconds kFinalWrite{1000};
constexpr std::chrono::seconds kPressureLogInterval{10};
// After this many bytes of bodies, memory freed is handed back to the system
// (also whenever the last body in memory is done).
constexpr std::size_t kTrimAfterBytes = std::size_t{64} * 1024 * 1024;

Request ToRequest(BeastRequest&& in) {
    Request out;
    out.method = std::string(in.method_string());
    out.target = std::string(in.target());
    for (const auto& field : in) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(in.body());
    return out;
}

BeastResponse Plain(unsigned status, unsigned version, std::string text) {
    BeastResponse res{static_cast<bhttp::status>(status), version};
    res.set(bhttp::field::server, "bookbot");
    res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    res.body() = std::move(text) + "\n";
    return res;
}

// The handler's response in Beast's terms; a 500 when it is not a valid
// final response (a bad status, or a header that would break the message).
BeastResponse ToBeast(Response&& in, unsigned version) {
    if (in.status < 200 || in.status > 599 || !IsSafeHeaderValue(in.content_type)) {
        return Plain(500, version, "internal error");
    }
    BeastResponse res{static_cast<bhttp::status>(in.status), version};
    res.set(bhttp::field::server, "bookbot");
    for (const auto& [name, value] : in.headers) {
        if (!IsHeaderName(name) || !IsSafeHeaderValue(value)) {
            return Plain(500, version, "internal error");
        }
        const auto field = bhttp::string_to_field(name);
        // Framing is ours to decide.
        if (field == bhttp::field::content_length || field == bhttp::field::transfer_encoding ||
            field == bhttp::field::connection) {
            continue;
        }
        res.insert(name, value);
    }
    if (in.status == 204 || in.status == 304) {
        in.body.clear();
    } else {
        res.set(bhttp::field::content_type, in.content_type);
    }
    res.body() = std::move(in.body);
    return res;
}

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
    ~Session() {
        ReleaseBody();
        if (admitted_) core_.Release();
        core_.Forget(this, serial_);
    }

    void Run() {
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Wait(); });
    }

    // Any thread.
    State state() const { return state_.load(); }
    bool Doomed() const { return doomed_.load(); }

    // Any thread: closes the connection now.
    void Close() {
        doomed_ = true;
        net::post(stream_.get_executor(), [self = shared_from_this()] { self->DoClose(); });
    }

    // Any thread, when the server stops: closes the connection, but lets a
    // request in a handler be answered first (Reply closes after writing),
    // and an answer being written go out within kFinalWrite.
    void Stop() {
        doomed_ = true;
        net::post(stream_.get_executor(), [self = shared_from_this()] {
            if (self->response_) {
                self->stream_.expires_after(kFinalWrite);
            } else if (!self->admitted_) {
                self->DoClose();
            }
        });
    }

    // Any thread: the handler's answer to the request being handled.
    void Reply(Response response) {
        net::post(stream_.get_executor(),
                  [self = shared_from_this(), r = std::move(response)]() mutable {
                      auto res = ToBeast(std::move(r), self->version_);
                      self->Send(std::move(res), !self->keep_alive_ || self->core_.Stopping());
                  });
    }

private:
    // Waits for the first byte of the next request (idle keep-alive budget;
    // a new connection gets the header budget).
    void Wait() {
        if (closed_) return;
        state_ = State::kIdle;
        if (core_.Stopping()) return Linger();
        if (buffer_.size() > 0) return ReadHeader();  // pipelined
        const auto& o = core_.options();
        stream_.expires_after(first_ ? o.header_timeout : o.idle_timeout);
        stream_.async_read_some(buffer_.prepare(kFirstRead),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    self->buffer_.commit(n);
                                    if (ec) return self->DoClose();
                                    self->ReadHeader();
                                });
    }

    void ReadHeader() {
        const auto& o = core_.options();
        state_ = State::kReading;
        first_ = false;
        head_ = false;
        request_start_ = std::chrono::steady_clock::now();
        parser_.emplace();
        parser_->body_limit(o.body_limit);
        parser_->header_limit(static_cast<std::uint32_t>(
            std::min<std::size_t>(o.header_limit, std::numeric_limits<std::uint32_t>::max())));
        stream_.expires_after(o.header_timeout);
        bhttp::async_read_header(stream_, buffer_, *parser_,
                                 [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                     if (ec) return self->OnReadError(ec);
                                     if (self->parser_->is_done()) return self->OnRequest();
                                     self->ReserveBody();
                                 });
    }

    // Holds the body back (the client waits, its bytes in the kernel's
    // buffers, not ours) until the server's body memory budget has room,
    // within the request's read_timeout; then reads it.
    void ReserveBody() {
        const auto& o = core_.options();
        const auto length = parser_->content_length();
        std::size_t want = length ? static_cast<std::size_t>(std::min<std::uint64_t>(
                                        *length, std::numeric_limits<std::size_t>::max()))
                                  : o.body_limit;  // chunked: up to the limit
        want = std::min({want, o.body_limit, std::max<std::size_t>(1, o.body_memory)});
        if (core_.Stopping()) return Fail(503, "shutting down", "1");
        if (want > 0 && !core_.ReserveBody(want)) {
            if (std::chrono::steady_clock::now() >= request_start_ + o.read_timeout) {
                return Fail(503, "busy", "1");
            }
            budget_timer_.expires_after(kBudgetRetry);
            budget_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
                if (ec || self->closed_) return self->DoClose();
                self->ReserveBody();
            });
            return;
        }
        reserved_ = want;
        const auto expect = parser_->get()[bhttp::field::expect];
        if (beast::iequals(expect, "100-continue")) return Continue();
        ReadBody();
    }

    void ReleaseBody() {
        if (reserved_ > 0) core_.ReleaseBody(std::exchange(reserved_, 0));
    }

    void Continue() {
        stream_.expires_at(request_start_ + core_.options().read_timeout);
        net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) return self->DoClose();
                             self->ReadBody();
                         });
    }

    void ReadBody() {
        stream_.expires_at(request_start_ + core_.options().read_timeout);
        bhttp::async_read(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->OnReadError(ec);
                              self->OnRequest();
                          });
    }

    void OnReadError(beast::error_code ec) {
        parser_.reset();
        ReleaseBody();
        if (ec == bhttp::error::body_limit) return Fail(413, "payload too large");
        if (ec == bhttp::error::header_limit) return Fail(431, "request header too large");
        const bool parse_error =
            ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
            ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
        if (parse_error) return Fail(400, "bad request");
        DoClose();  // timeout (the stream is closed already), reset, EOF
    }

    void Fail(unsigned status, std::string text, const char* retry_after = nullptr) {
        auto res = Plain(status, 11, std::move(text));
        if (retry_after != nullptr) res.set(bhttp::field::retry_after, retry_after);
        Send(std::move(res), true);
    }

    void OnRequest() {
        BeastRequest req = parser_->release();
        parser_.reset();
        version_ = req.version();
        keep_alive_ = req.keep_alive();
        head_ = req.method() == bhttp::verb::head;
        if (core_.Stopping() || !core_.Admit()) {
            req = {};
            ReleaseBody();
            const bool stopping = core_.Stopping();
            auto res = Plain(503, version_, stopping ? "shutting down" : "busy");
            res.set(bhttp::field::retry_after, "1");
            return Send(std::move(res), stopping || !keep_alive_);
        }
        admitted_ = true;
        state_ = State::kBusy;
        core_.Dispatch(shared_from_this(), ToRequest(std::move(req)), std::exchange(reserved_, 0));
    }

    void Send(BeastResponse res, bool close) {
        if (closed_) {
            Finished();
            return;
        }
        state_ = State::kBusy;
        res.keep_alive(!close);
        res.prepare_payload();
        if (head_) res.body().clear();  // the header still tells the length
        response_.emplace(std::move(res));
        stream_.expires_after(core_.options().read_timeout);
        bhttp::async_write(stream_, *response_,
                           [self = shared_from_this(), close](beast::error_code ec, std::size_t) {
                               self->response_.reset();
                               self->Finished();
                               if (ec || self->closed_) return self->DoClose();
                               if (close) return self->Linger();
                               self->Wait();
                           });
    }

    // The request being answered no longer counts as in flight.
    void Finished() {
        if (!admitted_) return;
        admitted_ = false;
        core_.Release();
    }

    // Half-closes, then reads and drops what the client still sends, for a
    // bounded time and size, before closing.
    void Linger() {
        if (closed_) return;
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        if (ec) return DoClose();
        lingered_ = 0;
        stream_.expires_after(std::min(kMaxLinger, core_.options().header_timeout));
        Discard();
    }

    void Discard() {
        stream_.async_read_some(net::buffer(scratch_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    self->lingered_ += n;
                                    if (ec || self->lingered_ > kLingerBytes) {
                                        return self->DoClose();
                                    }
                                    self->Discard();
                                });
    }

    void DoClose() {
        if (closed_) return;
        closed_ = true;
        budget_timer_.cancel();
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
    }

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

std::string EndpointName(const std::string& address, std::uint16_t port) {
    const bool v6 = address.find(':') != std::string::npos;
    return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

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
    const unsigned io_threads = std::thread::hardware_concurrency() > 1 ? 2 : 1;
    for (unsigned i = 0; i < io_threads; ++i) {
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

}  // namespace

class Server::Impl : public Core {
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
