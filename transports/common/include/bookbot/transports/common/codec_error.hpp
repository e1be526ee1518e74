#pragma once

#include <stdexcept>

// What every platform codec shares: one error type for bodies that cannot be
// read, and the nesting budget of one JSON document.
namespace bookbot::transports {

// Deeper nesting than this in a platform's JSON is hostile (real payloads
// nest fewer than 10 levels).
inline constexpr int kMaxJsonDepth = 64;

// A body that cannot be what it claims to be: not JSON, over budget, too
// deeply nested, a required field missing. The edge answers 400. The message
// never contains more than a byte offset of the input.
class CodecError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace bookbot::transports
