#include "bookbot/transports/common/constant_time.hpp"

#include <cstddef>

namespace bookbot::transports {

bool ConstantTimeEquals(std::string_view expected, std::string_view got) noexcept {
    if (expected.empty()) return false;  // reveals only that no secret is configured
    // Every byte of `got` is compared, each against the next byte of
    // `expected` (wrapping around), and differences are OR-ed together: the
    // work depends on got.size() alone. `volatile` keeps the compiler from
    // turning the loop into an early exit.
    volatile unsigned difference = expected.size() == got.size() ? 0U : 1U;
    std::size_t j = 0;
    for (const char c : got) {
        difference =
            difference | (static_cast<unsigned char>(c) ^ static_cast<unsigned char>(expected[j]));
        j = j + 1 == expected.size() ? 0 : j + 1;
    }
    return difference == 0U;
}

}  // namespace bookbot::transports
