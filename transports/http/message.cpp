#include "bookbot/transports/http/message.hpp"

#include <algorithm>

#include "syntax.hpp"

namespace bookbot::transports::http {

namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return Lower(x) == Lower(y); });
}

}  // namespace

std::optional<std::string_view> FindHeader(const Headers& headers, std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (EqualsIgnoreCase(key, name)) return std::string_view(value);
    }
    return std::nullopt;
}

bool IsHeaderName(std::string_view s) {
    constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
    return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               kSpecials.find(c) != std::string_view::npos;
    });
}

bool IsSafeHeaderValue(std::string_view s) {
    return std::none_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || !c; });
}

std::string_view Request::Path() const {
    const std::string_view t = target;
    return t.substr(0, t.find('?'));
}

}  // namespace bookbot::transports::http
