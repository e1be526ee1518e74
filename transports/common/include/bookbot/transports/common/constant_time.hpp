#pragma once

#include <string_view>

namespace bookbot::transports {

// Whether the credential `got` (a header an attacker chose) equals the
// configured `expected`. Constant time: it always reads all of `got` against
// `expected` cyclically, without a data-dependent branch, so neither the
// position of the first difference nor a length mismatch shows in the timing
// of the content. An empty `expected` matches nothing. Used for Telegram's
// secret token and WhatsApp's signature hex.
bool ConstantTimeEquals(std::string_view expected, std::string_view got) noexcept;

}  // namespace bookbot::transports
