#include "bookbot/transports/common/utf8.hpp"

namespace bookbot::transports::utf8 {
namespace {

bool Continuation(unsigned char c) { return (c & 0xC0U) == 0x80U; }

}  // namespace

Decoded DecodeAt(std::string_view s, std::size_t pos) {
    const auto lead = static_cast<unsigned char>(s[pos]);
    if (lead < 0x80U) return {lead, 1, true};
    // The lead byte gives the length, its payload bits and the smallest code
    // point that length may encode (anything below is an overlong form).
    std::size_t length = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((lead & 0xE0U) == 0xC0U) {
        length = 2;
        cp = lead & 0x1FU;
        min = 0x80;
    } else if ((lead & 0xF0U) == 0xE0U) {
        length = 3;
        cp = lead & 0x0FU;
        min = 0x800;
    } else if ((lead & 0xF8U) == 0xF0U) {
        length = 4;
        cp = lead & 0x07U;
        min = 0x10000;
    } else {
        return {};
    }
    if (s.size() - pos < length) return {};
    for (std::size_t i = 1; i < length; ++i) {
        const auto c = static_cast<unsigned char>(s[pos + i]);
        if (!Continuation(c)) return {};
        cp = (cp << 6U) | (c & 0x3FU);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
    return {cp, length, true};
}

void Append(std::string& out, char32_t code_point) {
    const char32_t cp = code_point;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0U | (cp >> 6U));
        out += static_cast<char>(0x80U | (cp & 0x3FU));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0U | (cp >> 12U));
        out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
        out += static_cast<char>(0x80U | (cp & 0x3FU));
    } else {
        out += static_cast<char>(0xF0U | (cp >> 18U));
        out += static_cast<char>(0x80U | ((cp >> 12U) & 0x3FU));
        out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
        out += static_cast<char>(0x80U | (cp & 0x3FU));
    }
}

bool Valid(std::string_view s) {
    for (std::size_t pos = 0; pos < s.size();) {
        const Decoded d = DecodeAt(s, pos);
        if (!d.valid) return false;
        pos += d.length;
    }
    return true;
}

std::string_view CutBytes(std::string_view s, std::size_t max_bytes) {
    if (s.size() <= max_bytes) return s;
    std::size_t end = max_bytes;
    while (end > 0 && Continuation(static_cast<unsigned char>(s[end]))) --end;
    return s.substr(0, end);
}

}  // namespace bookbot::transports::utf8
