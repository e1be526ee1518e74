#pragma once

#include <string>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/log_throttle.hpp"
#include "bookbot/core/metrics.hpp"
#include "bookbot/transports/http/message.hpp"
#include "bookbot/transports/telegram/updates.hpp"

namespace bookbot::transports::telegram {

// POST <webhook path>: Telegram delivering one update.
//   missing X-Telegram-Bot-Api-Secret-Token → 401, wrong one → 403 (compared
//     in constant time); nothing is parsed or written. At most one warning
//     line per kLogInterval, counting the ones held back.
//   authenticated but not an update (not JSON, numbers out of range, over a
//     budget) → 200, counted as outcome "unplaceable", and a warning (at most
//     one per kLogInterval) with the error and the body's first 512 bytes:
//     any other status makes Telegram deliver the same poison body for a day.
//   handled, replayed or ignored → 200, only after the unit committed; for
//     a button press that NeedsCallbackAnswer, the 200 carries the
//     answerCallbackQuery call as its JSON body (a webhook reply), so the
//     spinner stops without a Bot API request of its own. `handler` must
//     therefore not answer presses itself (no AnswerCallback).
//   store failed → 503 with Retry-After, so Telegram delivers it again.
// Thread-safe.
class Webhook {
public:
    Webhook(UpdateHandler& handler, std::string secret, const core::Clock& clock,
            core::Metrics* metrics)
        : handler_(handler), secret_(std::move(secret)), clock_(clock), metrics_(metrics) {}

    http::Response Handle(const http::Request& request);

    static constexpr std::chrono::seconds kLogInterval{10};

private:
    core::log::Throttle rejected_log_{kLogInterval};
    core::log::Throttle unplaceable_log_{kLogInterval};
    UpdateHandler& handler_;
    std::string secret_;
    const core::Clock& clock_;
    core::Metrics* metrics_;
};

}  // namespace bookbot::transports::telegram
