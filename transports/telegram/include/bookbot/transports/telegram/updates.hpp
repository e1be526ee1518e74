#pragma once

#include <functional>
#include <string>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/engine.hpp"
#include "bookbot/core/metrics.hpp"
#include "bookbot/core/store.hpp"
#include "bookbot/transports/telegram/codec.hpp"

namespace bookbot::transports::telegram {

// Hands parsed updates to the engine, whichever way they came in (webhook or
// long polling). Thread-safe.
class UpdateHandler {
public:
    struct Hooks {
        // After a unit committed new replies: wake the outbox dispatcher.
        std::function<void()> committed;
        // A button press was received (handled, replayed or ignored): answer
        // the callback query now so the user's button stops spinning.
        std::function<void(const std::string& callback_query_id)> answer_callback;
    };

    enum class Outcome { kHandled, kDuplicate, kIgnored, kBlocked, kUnblocked };

    UpdateHandler(core::Engine& engine, core::Store& store, const core::Clock& clock,
                  core::Metrics* metrics, Hooks hooks);

    // One update as one unit of work. Returns once it committed; throws
    // core::StorageError when the store failed and nothing was committed (the
    // update must be delivered again).
    Outcome Handle(const ParsedUpdate& update);

private:
    Outcome Apply(const ParsedUpdate& update);

    core::Engine& engine_;
    core::Store& store_;
    const core::Clock& clock_;
    core::Metrics* metrics_;
    Hooks hooks_;
};

}  // namespace bookbot::transports::telegram
