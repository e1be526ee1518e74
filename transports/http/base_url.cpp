#include "base_url.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>

namespace bookbot::transports::http {

namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ToLower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), Lower);
    return out;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && ToLower(s.substr(0, prefix.size())) == prefix;
}

// Characters that would break the request line or smuggle a header.
bool IsSafePath(std::string_view path) {
    return std::none_of(path.begin(), path.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f;
    });
}

bool IsHostNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool IsIpv6Char(char c) { return (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9') || c == ':'; }

std::optional<int> ParseNumber(std::string_view s, int max) {
    if (s.empty() || s.size() > 5) return std::nullopt;
    int value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size() || value < 0 || value > max) {
        return std::nullopt;
    }
    return value;
}

bool IsLoopbackIpv4(std::string_view host) {
    int parts = 0;
    int first = -1;
    while (true) {
        const auto dot = host.find('.');
        const auto part = ParseNumber(host.substr(0, dot), 255);
        if (!part || host.substr(0, dot).size() > 3) return false;
        if (parts++ == 0) first = *part;
        if (dot == std::string_view::npos) break;
        host.remove_prefix(dot + 1);
    }
    return parts == 4 && first == 127;
}

void Fail(const std::string& why) { throw std::invalid_argument("base URL: " + why); }

}  // namespace

bool IsLoopbackHost(std::string_view host) {
    const std::string h = ToLower(host);
    return h == "localhost" || h == "::1" || IsLoopbackIpv4(h);
}

BaseUrl BaseUrl::Parse(std::string_view url) {
    BaseUrl out;
    if (StartsWithIgnoreCase(url, "https://")) {
        url.remove_prefix(8);
    } else if (StartsWithIgnoreCase(url, "http://")) {
        out.tls = false;
        out.port = 80;
        url.remove_prefix(7);
    } else {
        Fail("must start with https:// (or http:// for a loopback host)");
    }
    if (url.find_first_of("?#") != std::string_view::npos) {
        Fail("must not carry a query or a fragment");
    }
    const auto slash = url.find('/');
    const std::string_view authority = url.substr(0, slash);
    const std::string_view path = slash == std::string_view::npos ? "" : url.substr(slash);
    if (authority.find('@') != std::string_view::npos) Fail("must not carry credentials");

    std::string_view host;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) Fail("unterminated IPv6 literal");
        host = authority.substr(1, close - 1);
        const std::string_view rest = authority.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') Fail("junk after the IPv6 literal");
        if (!rest.empty()) port = rest.substr(1);
        out.host = ToLower(host);
        if (out.host.empty() || !std::all_of(out.host.begin(), out.host.end(), IsIpv6Char)) {
            Fail("bad IPv6 literal");
        }
    } else {
        const auto colon = authority.find(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
        out.host = ToLower(host);
        if (out.host.empty() || !std::all_of(out.host.begin(), out.host.end(), IsHostNameChar)) {
            Fail("missing or bad host name");
        }
    }
    if (authority.find(':') != std::string_view::npos && authority.back() == ':') {
        Fail("empty port");
    }
    if (!port.empty()) {
        const auto number = ParseNumber(port, 65535);
        if (!number || *number == 0) Fail("bad port");
        out.port = static_cast<std::uint16_t>(*number);
    }
    if (!IsSafePath(path)) Fail("the path contains spaces or control characters");
    out.prefix = std::string(path);
    while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();

    if (!out.tls && !IsLoopbackHost(out.host)) {
        Fail("http:// is allowed only for a loopback host (127.0.0.0/8, ::1, localhost), and " +
             out.host + " is not one: use https://");
    }
    return out;
}

bool BaseUrl::HostIsIpLiteral() const {
    return host.find(':') != std::string::npos || std::all_of(host.begin(), host.end(), [](char c) {
               return (c >= '0' && c <= '9') || c == '.';
           });
}

std::string BaseUrl::Authority() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string BaseUrl::HostHeader() const {
    if (port == (tls ? 443 : 80)) {
        return host.find(':') != std::string::npos ? "[" + host + "]" : host;
    }
    return Authority();
}

std::string BaseUrl::Target(std::string_view path) const {
    if (!IsSafePath(path)) {
        throw std::invalid_argument("request path contains spaces or control characters");
    }
    std::string target = prefix;
    if (path.empty() || path.front() != '/') target += '/';
    target += path;
    return target;
}

}  // namespace bookbot::transports::http
