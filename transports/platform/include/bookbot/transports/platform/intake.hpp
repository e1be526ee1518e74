#pragma once

#include <functional>
#include <string_view>

#include "bookbot/core/engine.hpp"
#include "bookbot/core/messages.hpp"
#include "bookbot/core/metrics.hpp"

namespace bookbot::transports {

// Where every platform's inbound edge (webhook, long poller, …) hands an
// update once it is parsed and authenticated: the one platform-neutral step
// between a transport and the engine. Thread-safe; holds no state of its own.
class Intake {
public:
    // `committed` is called after a unit put new replies in the outbox (the
    // runtime wakes the dispatchers); `metrics` may be null.
    Intake(core::Engine& engine, core::Metrics* metrics, std::function<void()> committed)
        : engine_(engine), metrics_(metrics), committed_(std::move(committed)) {}

    // One update as ONE unit of work (core::Engine::Handle): a message runs
    // the flow, a block/unblock event marks the chat, a replay does nothing
    // (result.duplicate). Counts it in bookbot_updates_total{transport=
    // inbound.platform} (handled, duplicate, blocked, unblocked). Returns once
    // it committed; throws core::StorageError (counted "failed") when nothing
    // was committed: the platform must get the update again (answer 503, or
    // do not move a poll offset).
    core::HandleResult Handle(const core::Inbound& inbound);

    // An update the platform acknowledges without handling (an edited
    // message, a group chat, …): counted "ignored", logged at debug level with
    // `reason` (never user content).
    void Ignore(std::string_view platform, std::string_view reason);

private:
    core::Engine& engine_;
    core::Metrics* metrics_;
    std::function<void()> committed_;
};

}  // namespace bookbot::transports
