#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "bookbot/core/store.hpp"
#include "bookbot/transports/telegram/bot_api.hpp"
#include "bookbot/transports/telegram/updates.hpp"

namespace bookbot::transports::telegram {

struct PollerOptions {
    int timeout_seconds = 25;  // long-poll wait (Telegram caps it at 50)
    int limit = 100;           // updates per batch
    std::chrono::milliseconds min_backoff{1'000};
    std::chrono::milliseconds max_backoff{60'000};
};

// Long polling, for a bot with no public URL. The offset lives in the store
// (transport_state "telegram.offset") and moves only after every update of a
// batch committed: a crash never skips an update, and the ones handled before
// the crash come again and are recognised as replays.
class Poller {
public:
    static constexpr const char* kOffsetKey = "telegram.offset";

    Poller(const BotApi& api, UpdateHandler& handler, core::Store& store, const core::Clock& clock,
           PollerOptions options = {})
        : api_(api), handler_(handler), store_(store), clock_(clock), options_(options) {}

    // One getUpdates round: handles the batch, then stores the new offset.
    // Returns how many updates came. Throws BotApiError or core::StorageError.
    int PollOnce();

    // Polls until `stopping()` is true. Failures are logged and retried after
    // an exponential backoff; a 409 (a webhook is set, or another poller runs)
    // says so clearly. `wait(d)` pauses and may return early when stopping.
    void Run(const std::function<bool()>& stopping,
             const std::function<void(std::chrono::milliseconds)>& wait);

private:
    const BotApi& api_;
    UpdateHandler& handler_;
    core::Store& store_;
    const core::Clock& clock_;
    PollerOptions options_;
};

}  // namespace bookbot::transports::telegram
