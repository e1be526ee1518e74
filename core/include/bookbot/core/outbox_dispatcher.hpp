#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/metrics.hpp"
#include "bookbot/core/outbox_sender.hpp"
#include "bookbot/core/store.hpp"

namespace bookbot::core {

struct DispatcherOptions {
    std::string platform;  // whose rows this dispatcher claims
    std::string worker;    // unique per process: who holds a claim
    Millis lease{60'000};  // a claim outlives a crashed worker by this much
    std::int64_t batch = 16;
    int max_attempts = 10;  // then the message is dead (visible to the operator)
    Millis base_backoff{1'000};
    Millis max_backoff{600'000};
    // Pacing, as platforms ask: per chat about 1 message/s with short bursts,
    // overall about 30/s. A rate of 0 disables that limit.
    double chat_rate = 1.0;
    double chat_burst = 3;
    double global_rate = 30;
    double global_burst = 30;
};

// Claims due outbox rows of one platform and hands them to its sender, in
// order per chat (a chat's next message is only claimable once the previous
// one left), with retries (exponential backoff with jitter, the platform's
// retry_after), pacing, and a dead state for messages that keep failing.
// Safe with several dispatchers — threads or processes — on one store: a
// claim is exclusive until its lease ends. Thread-safe.
class OutboxDispatcher {
public:
    // `wait` blocks the dispatching thread for pacing (tests pass their own).
    using Wait = std::function<void(Millis)>;

    OutboxDispatcher(Store& store, OutboxSender& sender, const Clock& clock,
                     DispatcherOptions options, Metrics* metrics = nullptr, Wait wait = {});

    struct Round {
        int claimed = 0;
        int sent = 0;
        int retried = 0;
        int dead = 0;
    };

    // Claims up to `batch` messages and deals with each. A StorageError from
    // the store propagates; claimed rows then return after their lease.
    Round RunOnce();

    // Registers the metric families this dispatcher writes.
    static void DeclareMetrics(Metrics& metrics);

private:
    struct Bucket {
        double tokens = 0;
        TimePoint at{};
    };

    void Deliver(const OutboxMessage& message, Round& round);
    Millis Backoff(int attempts);
    // How long until a token is free in `bucket`; takes it when free now.
    Millis Take(Bucket& bucket, double rate, double burst, TimePoint now);
    void Count(std::string_view result, int times = 1);

    Store& store_;
    OutboxSender& sender_;
    const Clock& clock_;
    DispatcherOptions options_;
    Metrics* metrics_;
    Wait wait_;
    std::mutex pacing_mutex_;
    Bucket global_;
    std::map<std::string, Bucket> chats_;
    std::uint64_t jitter_state_;
};

// The transport_state name that marks a chat as having blocked the bot: the
// dispatcher stops sending to it; a transport clears it when the user comes back.
std::string BlockedChatKey(const std::string& platform, const std::string& chat_id);
void SetChatBlocked(UnitOfWork& unit, const std::string& platform, const std::string& chat_id,
                    bool blocked, TimePoint now);
bool IsChatBlocked(UnitOfWork& unit, const std::string& platform, const std::string& chat_id);

}  // namespace bookbot::core
