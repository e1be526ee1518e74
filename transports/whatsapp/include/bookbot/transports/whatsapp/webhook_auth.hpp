#pragma once

#include <optional>
#include <string>
#include <string_view>

// The two checks at WhatsApp's webhook edge. Pure functions.
namespace bookbot::transports::whatsapp {

// Whether `header` (the X-Hub-Signature-256 value, nullopt when missing) is
// "sha256=<hex HMAC-SHA256 of raw_body keyed with app_secret>". Checked
// before any parsing, over the bytes as received: a body re-serialised with
// other bytes does not match. The comparison takes the same time wherever
// the digests differ. An empty app_secret never matches.
bool SignatureValid(std::string_view app_secret, std::optional<std::string_view> header,
                    std::string_view raw_body);

// "sha256=<lower-case hex>": what WhatsApp sends for `raw_body` (for tests and
// for the fake Graph API).
std::string Sign(std::string_view app_secret, std::string_view raw_body);

// The verification handshake (GET on the webhook path): the `hub.challenge`
// to echo with 200 when `query` (the URL's query string, without '?') has
// hub.mode=subscribe and hub.verify_token equal to `verify_token`
// (percent-decoded, compared in constant time); nullopt, to answer 403,
// otherwise. An empty verify_token, a missing challenge, or one that is not
// 1–128 characters of A-Z a-z 0-9 . _ - also answer 403, so nothing the
// caller sends is echoed unchecked.
std::optional<std::string> VerifyHandshake(std::string_view query, std::string_view verify_token);

}  // namespace bookbot::transports::whatsapp
