#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "bookbot/core/business.hpp"
#include "bookbot/core/clock.hpp"
#include "bookbot/core/messages.hpp"
#include "bookbot/core/staff.hpp"
#include "bookbot/core/store.hpp"

namespace bookbot::core {

// What handling one update did.
struct HandleResult {
    bool duplicate = false;      // the update was handled before: nothing happened
    std::vector<Reply> replies;  // what went into the outbox, buttons stamped
    int retries = 0;             // units run again after a conflict
};

// Handles inbound updates, each as ONE unit of work on the store: dedupe by
// (platform, external id) → load the session (expired reads as fresh) → run
// the flow step → save the session with compare-and-set and sliding expiry →
// append the history → put the replies in the outbox. A block/unblock event
// (Inbound::Event) is deduped the same way and then only marks the chat
// (SetChatBlocked), in that same unit, with no replies. A conflict runs the
// whole step again; a replay has exactly one effect. Thread-safe: one
// conversation's updates handled by one Engine run one after another (they
// wait on a lock of their conversation instead of racing each other's
// compare-and-set); other conversations run in parallel. Across processes the
// compare-and-set alone keeps them apart.
class Engine {
public:
    Engine(Store& store, const Business& business, const Clock& clock)
        : store_(store), business_(business), clock_(clock) {}
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Throws StorageError when the store fails (after retries): the transport
    // answers so that the platform delivers the update again.
    HandleResult Handle(const Inbound& inbound);

    // Button payloads are "<session version>|<action>": a button from an older
    // message than the session's is recognised as stale.
    static std::string StampPayload(std::int64_t version, const std::string& action);

private:
    // Striped: a conversation always maps to the same lock; two that share
    // one merely wait for each other (each unit holds exactly one lock, so
    // this cannot deadlock).
    static constexpr std::size_t kChatLocks = 1024;
    std::mutex& ChatLock(const Inbound& inbound);

    std::array<std::mutex, kChatLocks> chat_locks_;
    StaffDirectory staff_;  // which chats are staff, cached across updates
    Store& store_;
    const Business& business_;
    const Clock& clock_;
};

}  // namespace bookbot::core
