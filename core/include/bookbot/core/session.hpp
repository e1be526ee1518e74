#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bookbot/core/clock.hpp"

namespace bookbot::core {

// Who a conversation is with: the platform ("telegram", "whatsapp", "console")
// and the platform's id of the user, as text (Telegram ids need 64 bits).
struct SessionKey {
    std::string platform;
    std::string user_id;

    friend bool operator==(const SessionKey&, const SessionKey&) = default;
};

// A conversation's state: a flat map of strings (the step and the choices made
// so far). Stored as a JSON object; keys and values are arbitrary UTF-8.
using Context = std::map<std::string, std::string>;

// One conversation's persisted state. `version` is the compare-and-set token:
// 0 means "not stored yet"; every successful save increments it.
struct Session {
    SessionKey key;
    std::string chat_id;
    Context context;
    std::vector<Context> step_history;  // oldest first; the step "back" returns to is last
    std::int64_t version = 0;
    TimePoint last_activity_at{};
    TimePoint expires_at{};
    TimePoint created_at{};

    // The most steps "back" can undo; older ones are dropped first.
    static constexpr std::size_t kMaxStepHistory = 32;

    // Remembers the current context as a step "back" can return to.
    void PushStep();
    // Restores the previous step's context; false (and no change) when there is none.
    bool PopStep();
    void ClearStepHistory() { step_history.clear(); }

    friend bool operator==(const Session&, const Session&) = default;
};

// What reading a session found. An expired session reads as absent, but says so,
// so the bot can tell the user that the previous step timed out.
struct SessionLookup {
    std::optional<Session> session;
    bool expired = false;
};

}  // namespace bookbot::core
