#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bookbot::transports::http {

// A client's base URL, parsed and checked once (module-private, no Boost).
struct BaseUrl {
    bool tls = true;
    std::string host;  // lower case; an IPv6 literal without its brackets
    std::uint16_t port = 443;
    std::string prefix;  // "" or "/…" without a trailing '/'

    // Throws std::invalid_argument, saying why, for a URL the client will not
    // use: not http(s), credentials, query or fragment, a bad host or port,
    // or http:// to a host that is not loopback. The message never repeats
    // the URL's path (a Bot API URL carries the token there).
    static BaseUrl Parse(std::string_view url);

    std::string Authority() const;   // "host:port", "[::1]:port"
    std::string HostHeader() const;  // the port only when it is not the default
    bool HostIsIpLiteral() const;

    // prefix + path (a '/' is added in between when missing). Throws
    // std::invalid_argument for a path with spaces or control characters.
    std::string Target(std::string_view path) const;
};

// 127.0.0.0/8, ::1 or "localhost".
bool IsLoopbackHost(std::string_view host);

}  // namespace bookbot::transports::http
