#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bookbot/transports/http/message.hpp"

namespace bookbot::transports::http {

// A request that got no HTTP answer. The message names the host and what
// failed, never the path or body (a Bot API path carries the token).
class HttpError : public std::runtime_error {
public:
    enum class Kind { kConnect, kTimeout, kTls, kProtocol, kTooLarge };
    HttpError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    Kind kind() const noexcept { return kind_; }

private:
    Kind kind_;
};

struct ClientResponse {
    int status = 0;
    Headers headers;
    std::string body;

    std::optional<std::string_view> Header(std::string_view name) const {
        return FindHeader(headers, name);
    }
};

struct ClientOptions {
    std::chrono::milliseconds connect_timeout{5'000};
    std::chrono::milliseconds request_timeout{30'000};  // default for one request
    std::string ca_file;                                // empty: the system's CA store
    std::size_t response_limit = std::size_t{8} * 1024 * 1024;
    std::size_t max_idle_connections = 8;  // kept alive for reuse
    Headers headers;  // sent with every request (e.g. Authorization); never logged
};

// An HTTP/1.1 client for one base URL: https://host[:port][/prefix], or
// http:// only for a loopback host (127.0.0.0/8, ::1, localhost). HTTPS uses
// SNI and verifies the certificate chain and host name. Connections are kept
// alive and reused; thread-safe (concurrent requests use separate
// connections).
class Client {
public:
    // Throws std::invalid_argument for a URL it will not use, saying why (or
    // for a bad header in options, or a ca_file it cannot load). Does not
    // connect.
    explicit Client(const std::string& base_url, ClientOptions options = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // `path` is appended to the base URL's prefix. A non-2xx status is a
    // response, not an error; throws HttpError when no response arrived.
    ClientResponse Post(std::string_view path, std::string_view content_type, std::string_view body,
                        std::optional<std::chrono::milliseconds> timeout = {});
    ClientResponse Get(std::string_view path,
                       std::optional<std::chrono::milliseconds> timeout = {});

    // "host:port" of the base URL, for log lines.
    std::string Authority() const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace bookbot::transports::http
