// The HTTP client: Boost.Beast underneath (this file and server.cpp are the
// only places that include it). Synchronous to its callers: every connection
// owns an io_context that the calling thread runs until the operation at hand
// completes, so Beast's stream timeouts bound every step.
#include "bookbot/transports/http/client.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <vector>

#include "base_url.hpp"
#include "syntax.hpp"

namespace bookbot::transports::http {

namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using BeastRequest = bhttp::request<bhttp::string_body>;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Kind = HttpError::Kind;

constexpr std::size_t kMaxResponseHeader = std::size_t{64} * 1024;

std::string Millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

// One connection with its own io_context, used by one thread at a time.
struct Connection {
    net::io_context ioc{1};  // declared first: destroyed after the streams
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<TlsStream> tls;
    beast::flat_buffer buffer;

    beast::tcp_stream& Lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

    // Runs the io_context until the operations started on it complete.
    void Run() {
        ioc.restart();
        ioc.run();
    }
};

// What became of one request on one connection.
struct Exchange {
    enum class Stage { kDone, kWrite, kRead } stage = Stage::kDone;
    beast::error_code ec;
    bool got_bytes = false;  // some of a response arrived
    bool reusable = false;
    ClientResponse response;
};

template <class Stream>
Exchange Transact(Connection& c, Stream& stream, const BeastRequest& request,
                  std::chrono::milliseconds timeout, std::size_t limit) {
    Exchange out;
    beast::get_lowest_layer(stream).expires_after(timeout);
    bhttp::async_write(stream, request, [&](beast::error_code ec, std::size_t) { out.ec = ec; });
    c.Run();
    if (out.ec) {
        out.stage = Exchange::Stage::kWrite;
        return out;
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(limit);
    parser.header_limit(static_cast<std::uint32_t>(std::min(limit, kMaxResponseHeader)));
    // The header first, on its own: Beast 1.74's eager parse (async_read)
    // drops the error of a Content-Length over body_limit and reads on.
    bhttp::async_read_header(stream, c.buffer, parser,
                             [&](beast::error_code ec, std::size_t) { out.ec = ec; });
    c.Run();
    if (!out.ec && !parser.is_done()) {
        bhttp::async_read(stream, c.buffer, parser,
                          [&](beast::error_code ec, std::size_t) { out.ec = ec; });
        c.Run();
    }
    if (out.ec) {
        out.stage = Exchange::Stage::kRead;
        out.got_bytes = parser.got_some() || c.buffer.size() > 0;
        return out;
    }
    beast::get_lowest_layer(stream).expires_never();
    auto res = parser.release();
    out.reusable = res.keep_alive() && c.buffer.size() == 0;
    out.response.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
        out.response.headers.emplace_back(std::string(field.name_string()),
                                          std::string(field.value()));
    }
    out.response.body = std::move(res.body());
    return out;
}

bool IsTlsError(const beast::error_code& ec) {
    return ec.category() == net::error::get_ssl_category() ||
           ec.category() == ssl::error::get_stream_category();
}

}  // namespace

class Client::Impl {
public:
    Impl(const std::string& base_url, ClientOptions options)
        : url_(BaseUrl::Parse(base_url)), options_(std::move(options)) {
        for (const auto& [name, value] : options_.headers) {
            if (!IsHeaderName(name) || !IsSafeHeaderValue(value)) {
                throw std::invalid_argument("client header '" + name + "' has a bad name or value");
            }
        }
        if (url_.tls) tls_.emplace(MakeTlsContext());
    }

    std::string Authority() const { return url_.Authority(); }

    ClientResponse Send(bhttp::verb verb, std::string_view path, std::string_view content_type,
                        std::string_view body, std::optional<std::chrono::milliseconds> timeout) {
        BeastRequest request{verb, url_.Target(path), 11};
        request.set(bhttp::field::host, url_.HostHeader());
        request.set(bhttp::field::user_agent, "bookbot");
        for (const auto& [name, value] : options_.headers) request.insert(name, value);
        if (verb == bhttp::verb::post) {
            if (!IsSafeHeaderValue(content_type)) {
                throw std::invalid_argument("content type has control characters");
            }
            request.set(bhttp::field::content_type,
                        beast::string_view(content_type.data(), content_type.size()));
            request.body() = std::string(body);
        }
        request.keep_alive(true);
        request.prepare_payload();
        const auto budget = timeout.value_or(options_.request_timeout);

        std::unique_ptr<Connection> c = TakeIdle();
        const bool reused = c != nullptr;
        if (!c) c = Connect();
        Exchange out = Attempt(*c, request, budget);
        // A kept-alive connection the server has meanwhile closed fails before
        // any byte of a response: the request cannot have been processed, so
        // it is sent once more on a fresh connection. Nothing else is retried.
        const bool stale = out.stage == Exchange::Stage::kWrite ||
                           (out.stage == Exchange::Stage::kRead && !out.got_bytes);
        if (reused && stale && out.ec != beast::error::timeout) {
            c = Connect();
            out = Attempt(*c, request, budget);
        }
        if (out.stage != Exchange::Stage::kDone) Throw(out, budget);
        if (out.reusable) GiveBack(std::move(c));
        return std::move(out.response);
    }

private:
    ssl::context MakeTlsContext() const {
        ssl::context ctx{ssl::context::tls_client};
        SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
        ctx.set_verify_mode(ssl::verify_peer);
        beast::error_code ec;
        if (options_.ca_file.empty()) {
            ctx.set_default_verify_paths(ec);
            if (ec) throw std::runtime_error("cannot load the system's CA store: " + ec.message());
        } else {
            ctx.load_verify_file(options_.ca_file, ec);
            if (ec) {
                throw std::invalid_argument("ca_file " + options_.ca_file + ": " + ec.message());
            }
        }
        return ctx;
    }

    [[noreturn]] void Fail(Kind kind, const std::string& what) const {
        throw HttpError(kind, url_.Authority() + ": " + what);
    }

    std::unique_ptr<Connection> Connect() {
        const auto deadline = std::chrono::steady_clock::now() + options_.connect_timeout;
        auto c = std::make_unique<Connection>();
        const std::string budget = Millis(options_.connect_timeout);

        beast::error_code ec = net::error::would_block;
        tcp::resolver::results_type endpoints;
        tcp::resolver resolver{c->ioc};
        resolver.async_resolve(url_.host, std::to_string(url_.port),
                               [&](beast::error_code e, tcp::resolver::results_type r) {
                                   ec = e;
                                   endpoints = std::move(r);
                               });
        c->ioc.run_until(deadline);
        // The system resolver cannot be interrupted: a lookup past the budget
        // is abandoned (destroying the io_context waits for it to return).
        if (ec == net::error::would_block) Fail(Kind::kTimeout, "name lookup took over " + budget);
        if (ec) Fail(Kind::kConnect, "cannot resolve the host: " + ec.message());

        if (url_.tls) {
            c->tls = std::make_unique<TlsStream>(c->ioc, *tls_);
        } else {
            c->plain = std::make_unique<beast::tcp_stream>(c->ioc);
        }
        c->Lowest().expires_at(deadline);
        c->Lowest().async_connect(endpoints,
                                  [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
        c->Run();
        if (ec == beast::error::timeout) Fail(Kind::kTimeout, "connect took over " + budget);
        if (ec) Fail(Kind::kConnect, "connect failed: " + ec.message());
        c->Lowest().socket().set_option(tcp::no_delay(true), ec);
        if (url_.tls) Handshake(*c, budget);
        c->Lowest().expires_never();
        return c;
    }

    void Handshake(Connection& c, const std::string& budget) const {
        // SNI: a host name only, never an IP literal (RFC 6066).
        if (!url_.HostIsIpLiteral() &&
            SSL_set_tlsext_host_name(c.tls->native_handle(), url_.host.c_str()) != 1) {
            Fail(Kind::kTls, "cannot set the TLS server name");
        }
        c.tls->set_verify_callback(ssl::host_name_verification(url_.host));
        beast::error_code ec = net::error::would_block;
        c.tls->async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
        c.Run();
        if (ec == beast::error::timeout) Fail(Kind::kTimeout, "TLS handshake took over " + budget);
        if (ec) Fail(Kind::kTls, "TLS handshake failed: " + ec.message());
    }

    Exchange Attempt(Connection& c, const BeastRequest& request,
                     std::chrono::milliseconds budget) const {
        if (c.tls) return Transact(c, *c.tls, request, budget, options_.response_limit);
        return Transact(c, *c.plain, request, budget, options_.response_limit);
    }

    [[noreturn]] void Throw(const Exchange& out, std::chrono::milliseconds budget) const {
        const auto& ec = out.ec;
        if (ec == beast::error::timeout)
            Fail(Kind::kTimeout, "no response within " + Millis(budget));
        if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit ||
            ec == bhttp::error::buffer_overflow) {
            Fail(Kind::kTooLarge,
                 "response larger than " + std::to_string(options_.response_limit) + " bytes");
        }
        const std::string stage = out.stage == Exchange::Stage::kWrite
                                      ? "sending the request failed: "
                                      : "reading the response failed: ";
        Fail(IsTlsError(ec) ? Kind::kTls : Kind::kProtocol, stage + ec.message());
    }

    std::unique_ptr<Connection> TakeIdle() {
        const std::lock_guard lock(mutex_);
        if (idle_.empty()) return nullptr;
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return c;
    }

    void GiveBack(std::unique_ptr<Connection> c) {
        const std::lock_guard lock(mutex_);
        if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(c));
    }

    const BaseUrl url_;
    const ClientOptions options_;
    std::optional<ssl::context> tls_;
    std::mutex mutex_;  // guards idle_
    std::vector<std::unique_ptr<Connection>> idle_;
};

Client::Client(const std::string& base_url, ClientOptions options)
    : impl_(std::make_unique<Impl>(base_url, std::move(options))) {}

Client::~Client() = default;

ClientResponse Client::Post(std::string_view path, std::string_view content_type,
                            std::string_view body,
                            std::optional<std::chrono::milliseconds> timeout) {
    return impl_->Send(bhttp::verb::post, path, content_type, body, timeout);
}

ClientResponse Client::Get(std::string_view path,
                           std::optional<std::chrono::milliseconds> timeout) {
    return impl_->Send(bhttp::verb::get, path, {}, {}, timeout);
}

std::string Client::Authority() const { return impl_->Authority(); }

}  // namespace bookbot::transports::http
