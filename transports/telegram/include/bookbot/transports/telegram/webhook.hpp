#pragma once

#include <string>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/metrics.hpp"
#include "bookbot/transports/http/message.hpp"
#include "bookbot/transports/telegram/updates.hpp"

namespace bookbot::transports::telegram {

// POST <webhook path>: Telegram delivering one update.
//   missing X-Telegram-Bot-Api-Secret-Token → 401, wrong one → 403 (compared
//     in constant time); nothing is parsed or written.
//   not an update → 400 (Telegram would resend it in vain).
//   handled, replayed or ignored → 200, only after the unit committed.
//   store failed → 503 with Retry-After, so Telegram delivers it again.
// Thread-safe.
class Webhook {
public:
    Webhook(UpdateHandler& handler, std::string secret, const core::Clock& clock,
            core::Metrics* metrics)
        : handler_(handler), secret_(std::move(secret)), clock_(clock), metrics_(metrics) {}

    http::Response Handle(const http::Request& request);

private:
    UpdateHandler& handler_;
    std::string secret_;
    const core::Clock& clock_;
    core::Metrics* metrics_;
};

}  // namespace bookbot::transports::telegram
