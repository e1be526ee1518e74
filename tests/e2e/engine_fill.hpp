#pragma once

// Filling a store the way users do: conversations run through core::Engine
// with a clock the test controls, for the end-to-end tests of the copy and
// admin commands.

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "bookbot/core/engine.hpp"

namespace bookbot::testing {

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public core::Clock {
public:
    explicit ManualClock(core::TimePoint start) : ms_(core::ToEpochMillis(start)) {}
    core::TimePoint Now() const override { return core::FromEpochMillis(ms_.load()); }
    void Advance(core::Millis by) { ms_ += by.count(); }

private:
    std::atomic<std::int64_t> ms_;
};

// One user's side of conversations: sends texts and presses buttons of the
// bot's last replies.
class ChatDriver {
public:
    ChatDriver(core::Store& store, const core::Business& business, const core::Clock& clock)
        : engine_(store, business, clock), clock_(clock) {}

    // Sends `text` as `user` ("telegram/123"-style keys: platform and user id).
    core::HandleResult Text(const core::SessionKey& user, const std::string& text);
    // Presses the first button of the last replies to `user` whose action
    // starts with `prefix`; false (and nothing sent) if there is none.
    bool Press(const core::SessionKey& user, const std::string& prefix);
    // The text of every reply `user` last got, joined by newlines.
    std::string LastText(const core::SessionKey& user) const;

private:
    core::HandleResult Send(const core::SessionKey& user, core::Inbound::Kind kind,
                            const std::string& payload);

    core::Engine engine_;
    const core::Clock& clock_;
    std::int64_t next_update_ = (std::int64_t{1} << 53) + 1;  // ids need all 64 bits
    std::map<std::string, std::vector<core::Reply>> last_;
};

// A business open every day 08:00-20:00 with 10 chairs: room for thousands
// of bookings.
core::Business RoomyBusiness();

struct FillSummary {
    int bookings = 0;
    int cancelled = 0;
    int flags = 0;
};

// `users` conversations of every kind, one simulated second apart from
// `start` (so the earlier sessions have expired by the end, and some are a
// moment from it): bookings (some cancelled again), hand-overs to a person,
// unicode texts, flows left half-way; then a
// dispatcher's work on the outbox (sent, retried, dead) and a transport's
// state. Half the users are on Telegram, half on WhatsApp.
FillSummary FillThroughEngine(core::Store& store, int users, core::TimePoint start);

}  // namespace bookbot::testing
