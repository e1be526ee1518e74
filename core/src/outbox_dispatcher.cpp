#include "bookbot/core/outbox_dispatcher.hpp"

#include <algorithm>

#include "bookbot/core/log.hpp"

namespace bookbot::core {
namespace {

constexpr const char* kSendMetric = "bookbot_outbox_send_total";
constexpr std::size_t kMaxChatBuckets = 10'000;

Millis Ceil(double seconds) { return Millis(static_cast<Millis::rep>(seconds * 1000.0 + 0.999)); }

std::int64_t MillisBetween(TimePoint from, TimePoint to) {
    return std::chrono::duration_cast<Millis>(to - from).count();
}

bool IsFailure(SendOutcome::Kind kind) {
    return kind == SendOutcome::Kind::kTransient || kind == SendOutcome::Kind::kRetryAfter;
}

}  // namespace

struct OutboxDispatcher::FailureStreak {
    std::mutex mutex;
    bool failing = false;
    TimePoint since{};
    TimePoint logged_at{};
    std::int64_t failures = 0;           // since `since`
    std::int64_t unlogged_failures = 0;  // since `logged_at`

    // The streak of `platform`'s dispatchers alive now (a new one if none is).
    static std::shared_ptr<FailureStreak> Of(const std::string& platform) {
        static std::mutex registry_mutex;
        static std::map<std::string, std::weak_ptr<FailureStreak>> registry;
        const std::lock_guard lock(registry_mutex);
        std::weak_ptr<FailureStreak>& entry = registry[platform];
        std::shared_ptr<FailureStreak> streak = entry.lock();
        if (!streak) {
            streak = std::make_shared<FailureStreak>();
            entry = streak;
        }
        return streak;
    }
};

std::string BlockedChatKey(const std::string& platform, const std::string& chat_id) {
    return platform + ".blocked." + chat_id;
}

void SetChatBlocked(UnitOfWork& unit, const std::string& platform, const std::string& chat_id,
                    bool blocked, TimePoint now) {
    unit.PutTransportState(BlockedChatKey(platform, chat_id), blocked ? "1" : "", now);
}

bool IsChatBlocked(UnitOfWork& unit, const std::string& platform, const std::string& chat_id) {
    const auto value = unit.GetTransportState(BlockedChatKey(platform, chat_id));
    return value && *value == "1";
}

OutboxDispatcher::OutboxDispatcher(Store& store, OutboxSender& sender, const Clock& clock,
                                   DispatcherOptions options, Metrics* metrics, Wait wait)
    : store_(store),
      sender_(sender),
      clock_(clock),
      options_(std::move(options)),
      metrics_(metrics),
      wait_(wait ? std::move(wait) : Wait([](Millis d) { std::this_thread::sleep_for(d); })),
      global_{options_.global_burst, clock.Now()},
      jitter_state_(std::hash<std::string>{}(options_.worker) ^
                    static_cast<std::uint64_t>(clock.Now().time_since_epoch().count()) ^
                    0x9E3779B97F4A7C15ULL),
      streak_(FailureStreak::Of(options_.platform)) {
    if (options_.parallel_sends > 1) {
        for (int i = 0; i < options_.parallel_sends; ++i)
            senders_.emplace_back([this] { SenderLoop(); });
    }
}

OutboxDispatcher::~OutboxDispatcher() {
    std::vector<Finished> finished;
    {
        std::unique_lock lock(flight_mutex_);
        stopping_ = true;
        // Not started yet: released for the next claimer at once, not sent now.
        for (Queued& q : queue_) {
            --in_flight_;
            finished.push_back(
                {std::move(q.message), SendOutcome::RetryAfter(Millis(0), ""), true});
            finished.back().outcome.error = finished.back().message.last_error;
        }
        queue_.clear();
    }
    for (OutboxMessage& m : claimed_ahead_) {
        std::string error = m.last_error;
        finished.push_back(
            {std::move(m), SendOutcome::RetryAfter(Millis(0), std::move(error)), true});
    }
    claimed_ahead_.clear();
    work_ready_.notify_all();
    for (std::thread& t : senders_) t.join();
    for (Finished& f : TakeFinished()) finished.push_back(std::move(f));
    try {
        Round round;
        Record(std::move(finished), round);
    } catch (const StorageError& e) {
        log::Warn("outbox.unrecorded", {{"platform", options_.platform}, {"error", e.what()}});
    }
}

void OutboxDispatcher::DeclareMetrics(Metrics& metrics) {
    metrics.DeclareCounter(kSendMetric,
                           "Outbox delivery attempts by platform and result "
                           "(sent, retry_after, transient, blocked, permanent, deferred, dead).");
}

void OutboxDispatcher::Count(std::string_view result, int times) {
    if (metrics_ != nullptr && times > 0) {
        metrics_->Add(kSendMetric,
                      {{"platform", options_.platform}, {"result", std::string(result)}}, times);
    }
}

OutboxDispatcher::Round OutboxDispatcher::RunOnce() {
    Round round;
    std::vector<Finished> finished = TakeFinished();
    std::int64_t room = 0;
    {
        const std::lock_guard lock(flight_mutex_);
        room = options_.batch - in_flight_;
        round_pending_ = 0;
    }
    std::vector<OutboxMessage> to_send;
    if (!claimed_ahead_.empty()) {
        to_send.swap(claimed_ahead_);
        round.claimed = static_cast<int>(to_send.size());
    } else if (room > 0) {
        const TimePoint now = clock_.Now();
        int blocked = 0;
        // Claimed in one unit; messages to a chat that blocked the bot die there.
        to_send =
            store_.Write([&](UnitOfWork& unit) { return ClaimSendable(unit, now, room, blocked); });
        round.claimed = static_cast<int>(to_send.size()) + blocked;
        round.dead += blocked;
        Count("blocked", blocked);
    }
    {
        const std::lock_guard lock(flight_mutex_);
        ++round_;
    }
    for (OutboxMessage& m : to_send) Start(std::move(m), finished);
    {
        std::unique_lock lock(flight_mutex_);
        // Only this round's sends are waited for: results of a send that
        // outlived an earlier round are recorded as they come, not awaited.
        if (!to_send.empty()) {
            result_ready_.wait_for(lock, options_.round_wait, [&] { return round_pending_ == 0; });
        }
        round_pending_ = 0;
        ++round_;  // a result from now on arrives late
        for (Finished& f : finished_) finished.push_back(std::move(f));
        finished_.clear();
        round.in_flight = in_flight_;
    }
    Record(std::move(finished), round, /*claim_ahead=*/round.claimed > 0);
    return round;
}

std::vector<OutboxMessage> OutboxDispatcher::ClaimSendable(UnitOfWork& unit, TimePoint now,
                                                           std::int64_t room, int& blocked) {
    blocked = 0;
    std::vector<OutboxMessage> sendable;
    if (room <= 0) return sendable;
    std::vector<OutboxMessage> claimed =
        unit.ClaimOutbox(options_.worker, options_.platform, now, options_.lease, room);
    // One read for the whole batch, not one per message.
    std::vector<std::string> keys;
    keys.reserve(claimed.size());
    for (const OutboxMessage& m : claimed) keys.push_back(BlockedChatKey(m.platform, m.chat_id));
    const std::map<std::string, std::string> states =
        keys.empty() ? std::map<std::string, std::string>() : unit.GetTransportStates(keys);
    for (std::size_t i = 0; i < claimed.size(); ++i) {
        OutboxMessage& m = claimed[i];
        const auto state = states.find(keys[i]);
        if (state != states.end() && state->second == "1") {
            unit.MarkDead(m.id, options_.worker, "the user blocked the bot");
            ++blocked;
        } else {
            sendable.push_back(std::move(m));
        }
    }
    return sendable;
}

void OutboxDispatcher::Start(OutboxMessage m, std::vector<Finished>& finished) {
    const TimePoint now = clock_.Now();
    if (chats_.size() > kMaxChatBuckets) chats_.clear();  // only costs a burst allowance
    Bucket& chat = chats_.try_emplace(m.chat_id, Bucket{options_.chat_burst, now}).first->second;
    const Millis chat_wait = Take(chat, options_.chat_rate, options_.chat_burst, now);
    if (chat_wait > Millis(0)) {
        chat.tokens += 1;
        SendOutcome later = SendOutcome::RetryAfter(chat_wait, m.last_error);
        finished.push_back({std::move(m), std::move(later), true});
        return;
    }
    const Millis global_wait = Take(global_, options_.global_rate, options_.global_burst, now);
    if (global_wait > Millis(0)) wait_(global_wait);
    if (senders_.empty()) {
        SendOutcome outcome = sender_.Send(m);
        finished.push_back({std::move(m), std::move(outcome)});
        return;
    }
    {
        const std::lock_guard lock(flight_mutex_);
        queue_.push_back({round_, std::move(m)});
        ++in_flight_;
        ++round_pending_;
    }
    work_ready_.notify_one();
}

void OutboxDispatcher::SenderLoop() {
    std::unique_lock lock(flight_mutex_);
    while (true) {
        work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        Queued q = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        SendOutcome outcome;
        try {
            outcome = sender_.Send(q.message);
        } catch (const std::exception& e) {  // a sender's bug must not end the thread
            outcome = SendOutcome::Transient(std::string("send failed: ") + e.what());
        }
        lock.lock();
        finished_.push_back({std::move(q.message), std::move(outcome)});
        --in_flight_;
        if (q.round == round_) {
            if (--round_pending_ == 0) result_ready_.notify_one();
        } else if (options_.on_late_result && !stopping_) {
            lock.unlock();
            options_.on_late_result();
            lock.lock();
        }
    }
}

std::vector<OutboxDispatcher::Finished> OutboxDispatcher::TakeFinished() {
    const std::lock_guard lock(flight_mutex_);
    std::vector<Finished> taken;
    taken.swap(finished_);
    return taken;
}

void OutboxDispatcher::Record(std::vector<Finished> finished, Round& round, bool claim_ahead) {
    if (finished.empty()) return;
    const std::string& worker = options_.worker;
    const TimePoint now = clock_.Now();
    // What becomes of each message, decided before the unit (which only writes).
    enum class Next { kSent, kRetry, kDead, kBlocked };
    struct Decision {
        Next next = Next::kSent;
        TimePoint due{};
        std::string error;
        const char* counted_as = "sent";
    };
    std::vector<Decision> decisions;
    decisions.reserve(finished.size());
    for (const Finished& f : finished) {
        const SendOutcome& o = f.outcome;
        switch (o.kind) {
            case SendOutcome::Kind::kSent:
                decisions.push_back({Next::kSent, {}, {}, "sent"});
                break;
            case SendOutcome::Kind::kRetryAfter:
                decisions.push_back({Next::kRetry, now + o.retry_after, o.error,
                                     f.deferred ? "deferred" : "retry_after"});
                break;
            case SendOutcome::Kind::kTransient:
                if (f.message.attempts >= options_.max_attempts) {
                    decisions.push_back({Next::kDead, {}, "gave up: " + o.error, "dead"});
                } else {
                    decisions.push_back(
                        {Next::kRetry, now + Backoff(f.message.attempts), o.error, "transient"});
                }
                break;
            case SendOutcome::Kind::kBlocked:
                decisions.push_back({Next::kBlocked, {}, o.error, "blocked"});
                break;
            case SendOutcome::Kind::kPermanent:
                decisions.push_back({Next::kDead, {}, o.error, "permanent"});
                break;
        }
    }
    std::vector<bool> held(finished.size(), true);
    std::int64_t room = 0;
    if (claim_ahead) {
        const std::lock_guard lock(flight_mutex_);
        room = options_.batch - in_flight_;
    }
    std::vector<OutboxMessage> ahead;
    int ahead_blocked = 0;
    try {
        store_.Write([&](UnitOfWork& unit) {
            std::vector<std::int64_t> sent;
            for (std::size_t i = 0; i < finished.size(); ++i) {
                const OutboxMessage& m = finished[i].message;
                const Decision& d = decisions[i];
                switch (d.next) {
                    case Next::kSent:
                        sent.push_back(m.id);
                        break;
                    case Next::kRetry:
                        held[i] = unit.MarkRetry(m.id, worker, d.due, d.error);
                        break;
                    case Next::kBlocked:
                        SetChatBlocked(unit, m.platform, m.chat_id, true, now);
                        held[i] = unit.MarkDead(m.id, worker, d.error);
                        break;
                    case Next::kDead:
                        held[i] = unit.MarkDead(m.id, worker, d.error);
                        break;
                }
            }
            const std::vector<std::int64_t> lost = unit.MarkSentMany(sent, worker, now);
            std::vector<std::pair<std::int64_t, std::string>> platform_ids;
            for (std::size_t i = 0; i < finished.size(); ++i) {
                if (decisions[i].next == Next::kSent) {
                    held[i] = !std::binary_search(lost.begin(), lost.end(), finished[i].message.id);
                    const std::string& platform_id = finished[i].outcome.platform_message_id;
                    if (held[i] && !platform_id.empty()) {
                        platform_ids.emplace_back(finished[i].message.id, platform_id);
                    }
                }
            }
            // In the same unit as "sent": a delivery report finds its message
            // as soon as the message counts as sent.
            if (!platform_ids.empty()) (void)unit.SetPlatformMessageIds(platform_ids);
            // After "sent": a chat's next message is claimable once this one left.
            ahead = ClaimSendable(unit, now, room, ahead_blocked);
        });
    } catch (...) {
        // Kept for the next round: a send that happened must not be forgotten
        // while its claim may still be held.
        const std::lock_guard lock(flight_mutex_);
        for (Finished& f : finished) finished_.push_back(std::move(f));
        throw;
    }
    claimed_ahead_ = std::move(ahead);
    round.dead += ahead_blocked;
    Count("blocked", ahead_blocked);
    for (std::size_t i = 0; i < finished.size(); ++i) {
        const OutboxMessage& m = finished[i].message;
        const Decision& d = decisions[i];
        Count(d.counted_as);
        switch (d.next) {
            case Next::kSent:
                ++round.sent;
                break;
            case Next::kRetry:
                ++round.retried;
                break;
            case Next::kBlocked:
                ++round.dead;
                break;
            case Next::kDead:
                ++round.dead;
                log::Error(
                    std::string_view(d.counted_as) == "dead" ? "outbox.dead" : "outbox.rejected",
                    {{"platform", m.platform},
                     {"message", m.id},
                     {"attempts", m.attempts},
                     {"error", d.error}});
                break;
        }
        if (!held[i]) {
            // The lease ran out while sending and another worker took the message.
            log::Warn("outbox.claim_lost", {{"platform", m.platform}, {"message", m.id}});
        }
        if (!finished[i].deferred) NoteOutcome(finished[i], now);
    }
}

void OutboxDispatcher::NoteOutcome(const Finished& f, TimePoint now) {
    FailureStreak& s = *streak_;
    const std::lock_guard lock(s.mutex);
    if (f.outcome.kind == SendOutcome::Kind::kSent) {
        if (s.failing) {
            log::Info("outbox.recovered", {{"platform", options_.platform},
                                           {"failed_sends", s.failures},
                                           {"failing_ms", MillisBetween(s.since, now)}});
        }
        s.failing = false;
        return;
    }
    if (!IsFailure(f.outcome.kind)) return;  // about one message, not the platform
    if (!s.failing) {
        s.failing = true;
        s.since = s.logged_at = now;
        s.failures = 1;
        s.unlogged_failures = 0;
        log::Warn("outbox.send_failing",
                  {{"platform", options_.platform},
                   {"error", f.outcome.error},
                   {"note", "replies are kept and retried; repeats are rate-limited"}});
        return;
    }
    ++s.failures;
    ++s.unlogged_failures;
    if (now - s.logged_at >= options_.failure_log_interval) {
        log::Warn("outbox.send_still_failing", {{"platform", options_.platform},
                                                {"failed_sends", s.unlogged_failures},
                                                {"failing_ms", MillisBetween(s.since, now)},
                                                {"error", f.outcome.error}});
        s.logged_at = now;
        s.unlogged_failures = 0;
    }
}

Millis OutboxDispatcher::Take(Bucket& bucket, double rate, double burst, TimePoint now) {
    if (rate <= 0) return Millis(0);
    const double elapsed = std::chrono::duration<double>(now - bucket.at).count();
    bucket.tokens = std::min(burst, bucket.tokens + std::max(0.0, elapsed) * rate);
    bucket.at = now;
    bucket.tokens -= 1;  // reserved; a caller that will not send gives it back
    return bucket.tokens >= 0 ? Millis(0) : Ceil(-bucket.tokens / rate);
}

Millis OutboxDispatcher::Backoff(int attempts) {
    const int doublings = std::clamp(attempts - 1, 0, 30);
    const double full = std::min<double>(static_cast<double>(options_.max_backoff.count()),
                                         static_cast<double>(options_.base_backoff.count()) *
                                             static_cast<double>(1ULL << doublings));
    // xorshift64: "full jitter" between half and all of the backoff, so many
    // messages failing together do not come back together.
    jitter_state_ ^= jitter_state_ << 13;
    jitter_state_ ^= jitter_state_ >> 7;
    jitter_state_ ^= jitter_state_ << 17;
    const double unit = static_cast<double>(jitter_state_ % 1'000'000) / 1'000'000.0;
    return Millis(static_cast<Millis::rep>(full * (0.5 + 0.5 * unit)));
}

}  // namespace bookbot::core
