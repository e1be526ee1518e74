#include "bookbot/transports/whatsapp/webhook_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <map>

#include "shared.hpp"

namespace bookbot::transports::whatsapp {
namespace {

constexpr std::string_view kPrefix = "sha256=";
constexpr std::size_t kDigestBytes = 32;
using Digest = std::array<unsigned char, kDigestBytes>;

Digest Hmac(std::string_view key, std::string_view body) {
    Digest digest{};
    unsigned int length = 0;
    const unsigned char* ok = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                                   reinterpret_cast<const unsigned char*>(body.data()), body.size(),
                                   digest.data(), &length);
    if (ok == nullptr || length != kDigestBytes) throw std::runtime_error("HMAC-SHA256 failed");
    return digest;
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<Digest> ParseHexDigest(std::string_view hex) {
    if (hex.size() != 2 * kDigestBytes) return std::nullopt;
    Digest digest{};
    for (std::size_t i = 0; i < kDigestBytes; ++i) {
        const int high = HexValue(hex[2 * i]);
        const int low = HexValue(hex[2 * i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        digest[i] = static_cast<unsigned char>(high * 16 + low);
    }
    return digest;
}

// application/x-www-form-urlencoded decoding; nullopt for a bad escape.
std::optional<std::string> Decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int high = HexValue(text[i + 1]);
            const int low = HexValue(text[i + 2]);
            if (high < 0 || low < 0) return std::nullopt;
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// The hub.* parameters of a query (the first of each name; others ignored).
std::map<std::string, std::string> HubParameters(std::string_view query) {
    std::map<std::string, std::string> out;
    constexpr std::size_t kMaxQuery = 4096;
    if (query.size() > kMaxQuery) return out;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const std::size_t eq = pair.find('=');
        if (eq == std::string_view::npos) continue;
        const auto name = Decode(pair.substr(0, eq));
        const auto value = Decode(pair.substr(eq + 1));
        if (!name || !value || name->rfind("hub.", 0) != 0) continue;
        out.emplace(*name, *value);
    }
    return out;
}

bool ChallengeShaped(std::string_view challenge) {
    return !challenge.empty() && challenge.size() <= 128 &&
           std::all_of(challenge.begin(), challenge.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
           });
}

}  // namespace

bool SignatureValid(std::string_view app_secret, std::optional<std::string_view> header,
                    std::string_view raw_body) {
    if (app_secret.empty() || !header || header->substr(0, kPrefix.size()) != kPrefix) {
        return false;
    }
    const auto claimed = ParseHexDigest(header->substr(kPrefix.size()));
    if (!claimed) return false;
    const Digest actual = Hmac(app_secret, raw_body);
    return CRYPTO_memcmp(claimed->data(), actual.data(), kDigestBytes) == 0;
}

std::string Sign(std::string_view app_secret, std::string_view raw_body) {
    static constexpr std::string_view kHex = "0123456789abcdef";
    std::string out(kPrefix);
    for (const unsigned char byte : Hmac(app_secret, raw_body)) {
        out += kHex[byte >> 4U];
        out += kHex[byte & 0x0FU];
    }
    return out;
}

std::optional<std::string> VerifyHandshake(std::string_view query, std::string_view verify_token) {
    if (verify_token.empty()) return std::nullopt;
    const auto hub = HubParameters(query);
    const auto mode = hub.find("hub.mode");
    const auto token = hub.find("hub.verify_token");
    const auto challenge = hub.find("hub.challenge");
    if (mode == hub.end() || mode->second != "subscribe" || token == hub.end() ||
        challenge == hub.end()) {
        return std::nullopt;
    }
    if (!ConstantTimeEquals(verify_token, token->second)) return std::nullopt;
    if (!ChallengeShaped(challenge->second)) return std::nullopt;
    return challenge->second;
}

}  // namespace bookbot::transports::whatsapp
