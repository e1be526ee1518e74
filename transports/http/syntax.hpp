#pragma once

#include <string_view>

namespace bookbot::transports::http {

// RFC 9110 token: what a header name may be.
bool IsHeaderName(std::string_view s);

// A header value that cannot end the header early or smuggle another one
// (no CR, LF or NUL).
bool IsSafeHeaderValue(std::string_view s);

}  // namespace bookbot::transports::http
