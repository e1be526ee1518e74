#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Just enough UTF-8 for the platforms' limits (Telegram counts UTF-16 code
// units, WhatsApp characters): decode, encode, validate, cut on a boundary.
namespace bookbot::transports::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

struct Decoded {
    char32_t code_point = kReplacement;
    std::size_t length = 1;  // bytes consumed; an invalid byte is consumed alone
    bool valid = false;
};

// The code point starting at `s[pos]` (pos < s.size()). Overlong forms,
// surrogates and values above U+10FFFF are invalid.
Decoded DecodeAt(std::string_view s, std::size_t pos);

void Append(std::string& out, char32_t code_point);

// 2 for a code point outside the Basic Multilingual Plane, else 1.
inline std::size_t Utf16Units(char32_t code_point) { return code_point >= 0x10000 ? 2 : 1; }

bool Valid(std::string_view s);

// At most `max_bytes` of `s`, cut on a code point boundary.
std::string_view CutBytes(std::string_view s, std::size_t max_bytes);

}  // namespace bookbot::transports::utf8
