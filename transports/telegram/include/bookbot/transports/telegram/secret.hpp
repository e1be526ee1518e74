#pragma once

#include <string_view>

namespace bookbot::transports::telegram {

// Whether the X-Telegram-Bot-Api-Secret-Token header `got` equals the
// configured `expected`, in constant time (transports::ConstantTimeEquals).
// An empty `expected` matches nothing.
bool SecretMatches(std::string_view expected, std::string_view got) noexcept;

// Telegram's rule for secret_token: 1–256 characters of A-Z a-z 0-9 _ -.
bool ValidSecretToken(std::string_view token) noexcept;

}  // namespace bookbot::transports::telegram
