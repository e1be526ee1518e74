// One HTTP connection of the server (see server_core.hpp): reads one request
// at a time within its budgets, hands it to the server's handler pool, writes
// the answer, and keeps the connection alive between requests.
#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <limits>
#include <string_view>
#include <utility>

#include "server_core.hpp"
#include "syntax.hpp"

namespace bookbot::transports::http::detail {

namespace {

// After an answer that closes the connection, the rest of what the client
// sent is read and dropped for a short while, so that closing with unread
// data (which makes the kernel send a reset) does not destroy the answer.
constexpr std::size_t kLingerBytes = std::size_t{1024} * 1024;
constexpr std::chrono::milliseconds kMaxLinger{1000};
constexpr std::size_t kFirstRead = 4096;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// A body waiting for the memory budget looks again this often.
constexpr std::chrono::milliseconds kBudgetRetry{10};
// Answers being written when the server stops get this long to go out.
constexpr std::chrono::milliseconds kFinalWrite{1000};

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

}  // namespace

BeastResponse Plain(unsigned status, unsigned version, std::string text) {
    BeastResponse res{static_cast<bhttp::status>(status), version};
    res.set(bhttp::field::server, "bookbot");
    res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    res.body() = std::move(text) + "\n";
    return res;
}

Session::~Session() {
    ReleaseBody();
    if (admitted_) core_.Release();
    core_.Forget(this, serial_);
}

void Session::Run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Wait(); });
}

void Session::Close() {
    doomed_ = true;
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->DoClose(); });
}

void Session::Stop() {
    doomed_ = true;
    net::post(stream_.get_executor(), [self = shared_from_this()] {
        if (self->response_) {
            self->stream_.expires_after(kFinalWrite);
        } else if (!self->admitted_) {
            self->DoClose();
        }
    });
}

void Session::Reply(Response response) {
    net::post(stream_.get_executor(),
              [self = shared_from_this(), r = std::move(response)]() mutable {
                  auto res = ToBeast(std::move(r), self->version_);
                  self->Send(std::move(res), !self->keep_alive_ || self->core_.Stopping());
              });
}

void Session::Wait() {
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

void Session::ReadHeader() {
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

void Session::ReserveBody() {
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

void Session::ReleaseBody() {
    if (reserved_ > 0) core_.ReleaseBody(std::exchange(reserved_, 0));
}

void Session::Continue() {
    stream_.expires_at(request_start_ + core_.options().read_timeout);
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec) return self->DoClose();
                         self->ReadBody();
                     });
}

void Session::ReadBody() {
    stream_.expires_at(request_start_ + core_.options().read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                          if (ec) return self->OnReadError(ec);
                          self->OnRequest();
                      });
}

void Session::OnReadError(beast::error_code ec) {
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

void Session::Fail(unsigned status, std::string text, const char* retry_after) {
    auto res = Plain(status, 11, std::move(text));
    if (retry_after != nullptr) res.set(bhttp::field::retry_after, retry_after);
    Send(std::move(res), true);
}

void Session::OnRequest() {
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

void Session::Send(BeastResponse res, bool close) {
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

void Session::Finished() {
    if (!admitted_) return;
    admitted_ = false;
    core_.Release();
}

void Session::Linger() {
    if (closed_) return;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return DoClose();
    lingered_ = 0;
    stream_.expires_after(std::min(kMaxLinger, core_.options().header_timeout));
    Discard();
}

void Session::Discard() {
    stream_.async_read_some(net::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                self->lingered_ += n;
                                if (ec || self->lingered_ > kLingerBytes) {
                                    return self->DoClose();
                                }
                                self->Discard();
                            });
}

void Session::DoClose() {
    if (closed_) return;
    closed_ = true;
    budget_timer_.cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
}

}  // namespace bookbot::transports::http::detail
