#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/metrics.hpp"
#include "bookbot/core/outbox_sender.hpp"
#include "bookbot/core/store.hpp"

namespace bookbot::core {

struct DispatcherOptions {
    std::string platform;  // whose rows this dispatcher claims
    std::string worker;    // unique per process: who holds a claim
    // A claim outlives a crashed worker by this much. It must cover one send
    // (the platform client's timeout) plus `round_wait` plus one store unit:
    // a live worker's claim never runs out, so no healthy instance sends a
    // message another one holds.
    Millis lease{60'000};
    std::int64_t batch = 16;  // claimed in one unit, at most this many in flight
    int max_attempts = 10;    // then the message is dead (visible to the operator)
    Millis base_backoff{1'000};
    Millis max_backoff{600'000};
    // Pacing, as platforms ask: per chat about 1 message/s with short bursts,
    // overall about 30/s. A rate of 0 disables that limit.
    double chat_rate = 1.0;
    double chat_burst = 3;
    double global_rate = 30;
    double global_burst = 30;
    // Sends in flight at once. A batch holds at most one message per chat, and
    // its messages go out in parallel, so one hanging call holds back only its
    // own chat. 1: sends run one after another on the RunOnce thread.
    int parallel_sends = 8;
    // How long RunOnce waits for its sends before it records those that
    // finished and returns; a later round records the rest.
    Millis round_wait{1'000};
    // While sends keep failing: the first failure is logged at once, then at
    // most one line per this interval, then the recovery (one set of lines for
    // all dispatchers of a platform alive in the process).
    Millis failure_log_interval{15'000};
    // Called (from a sender thread) when a send finishes after its round has
    // returned, so the caller can run a round to record it. May be empty.
    std::function<void()> on_late_result;
};

// Claims due outbox rows of one platform and hands them to its sender, in
// order per chat (a chat's next message is only claimable once the previous
// one left), with retries (exponential backoff with jitter, the platform's
// retry_after), pacing, and a dead state for messages that keep failing.
// Costs per batch, not per message: one unit claims a batch, one unit records
// its outcomes ("sent" in one statement). While replies keep coming, the unit
// that records a batch also claims the next one, which the next round sends:
// one unit per batch. Safe with several dispatchers —
// threads or processes — on one store: a claim is exclusive until its lease
// ends.
//
// Delivery is at least once. A message is resent only if its sender's
// process died between the platform accepting it and the "sent" unit
// committing (a few milliseconds per batch), or its lease ran out; the
// destructor records every finished send, so a clean stop resends nothing.
class OutboxDispatcher {
public:
    // `wait` blocks the dispatching thread for pacing (tests pass their own).
    using Wait = std::function<void(Millis)>;

    OutboxDispatcher(Store& store, OutboxSender& sender, const Clock& clock,
                     DispatcherOptions options, Metrics* metrics = nullptr, Wait wait = {});
    // Waits for sends in flight (bounded by the sender's own timeout) and
    // records them; a store failure then only means they are sent again.
    ~OutboxDispatcher();
    OutboxDispatcher(const OutboxDispatcher&) = delete;
    OutboxDispatcher& operator=(const OutboxDispatcher&) = delete;

    struct Round {
        int claimed = 0;
        int sent = 0;
        int retried = 0;
        int dead = 0;
        int in_flight = 0;  // still sending when the round returned
    };

    // Records sends finished since the last round, claims up to `batch` less
    // those in flight (unless the last round claimed them ahead), sends them
    // in parallel, waits up to `round_wait`, and records what finished; a
    // round that claimed any also claims the next batch in that unit (its
    // caller is expected to run again at once). A StorageError propagates;
    // finished sends are then recorded by the next round, and claimed rows
    // that are never recorded return after their lease. One thread at a time.
    Round RunOnce();

    // Registers the metric families this dispatcher writes.
    static void DeclareMetrics(Metrics& metrics);

private:
    struct Bucket {
        double tokens = 0;
        TimePoint at{};
    };
    struct Finished {
        OutboxMessage message;
        SendOutcome outcome;
        bool deferred = false;  // not sent (paced, or stopping): due again after retry_after
    };
    // The sends that keep failing, for the log (one line, not one per
    // attempt). Shared by the live dispatchers of one platform in a process,
    // so several dispatcher threads write one set of lines.
    struct FailureStreak;

    struct Queued {
        std::uint64_t round = 0;
        OutboxMessage message;
    };

    void Start(OutboxMessage message, std::vector<Finished>& finished);
    void SenderLoop();
    std::vector<Finished> TakeFinished();
    // Claims due messages of chats not blocked (those of blocked chats die).
    std::vector<OutboxMessage> ClaimSendable(UnitOfWork& unit, TimePoint now, std::int64_t room,
                                             int& blocked);
    // `claim_ahead`: the unit also claims the next round's messages.
    void Record(std::vector<Finished> finished, Round& round, bool claim_ahead = false);
    void NoteOutcome(const Finished& f, TimePoint now);
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
    Bucket global_;
    std::map<std::string, Bucket> chats_;
    std::uint64_t jitter_state_;
    std::shared_ptr<FailureStreak> streak_;
    std::vector<OutboxMessage> claimed_ahead_;  // by the last round's record unit

    std::mutex flight_mutex_;
    std::condition_variable work_ready_;    // senders wait here
    std::condition_variable result_ready_;  // RunOnce waits here
    std::deque<Queued> queue_;              // claimed, waiting for a sender thread
    std::vector<Finished> finished_;        // sent or failed, not yet recorded
    int in_flight_ = 0;                     // queued or being sent
    std::uint64_t round_ = 0;               // the round RunOnce is waiting for (0: none)
    int round_pending_ = 0;                 // its messages still queued or being sent
    bool stopping_ = false;
    std::vector<std::thread> senders_;  // last: started once the rest exists
};

// The transport_state name that marks a chat as having blocked the bot: the
// dispatcher stops sending to it; a transport clears it when the user comes back.
std::string BlockedChatKey(const std::string& platform, const std::string& chat_id);
void SetChatBlocked(UnitOfWork& unit, const std::string& platform, const std::string& chat_id,
                    bool blocked, TimePoint now);
bool IsChatBlocked(UnitOfWork& unit, const std::string& platform, const std::string& chat_id);

}  // namespace bookbot::core
