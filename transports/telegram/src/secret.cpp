#include "bookbot/transports/telegram/secret.hpp"

#include <algorithm>
#include <cstddef>

#include "bookbot/transports/common/constant_time.hpp"

namespace bookbot::transports::telegram {

bool SecretMatches(std::string_view expected, std::string_view got) noexcept {
    return ConstantTimeEquals(expected, got);
}

bool ValidSecretToken(std::string_view token) noexcept {
    if (token.empty() || token.size() > 256) return false;
    return std::all_of(token.begin(), token.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
    });
}

}  // namespace bookbot::transports::telegram
