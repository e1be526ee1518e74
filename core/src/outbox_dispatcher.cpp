#include "bookbot/core/outbox_dispatcher.hpp"

#include <algorithm>
#include <thread>

#include "bookbot/core/log.hpp"

namespace bookbot::core {
namespace {

constexpr const char* kSendMetric = "bookbot_outbox_send_total";
constexpr std::size_t kMaxChatBuckets = 10'000;

Millis Ceil(double seconds) { return Millis(static_cast<Millis::rep>(seconds * 1000.0 + 0.999)); }

}  // namespace

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
                    0x9E3779B97F4A7C15ULL) {}

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
    const TimePoint now = clock_.Now();
    Round round;
    // Claimed in one unit; messages to a chat that blocked the bot die there.
    const std::vector<OutboxMessage> to_send = store_.Write([&](UnitOfWork& unit) {
        round = Round{};
        std::vector<OutboxMessage> sendable;
        for (OutboxMessage& m : unit.ClaimOutbox(options_.worker, options_.platform, now,
                                                 options_.lease, options_.batch)) {
            ++round.claimed;
            if (IsChatBlocked(unit, m.platform, m.chat_id)) {
                unit.MarkDead(m.id, options_.worker, "the user blocked the bot");
                ++round.dead;
            } else {
                sendable.push_back(std::move(m));
            }
        }
        return sendable;
    });
    Count("blocked", round.dead);
    for (const OutboxMessage& message : to_send) Deliver(message, round);
    return round;
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

void OutboxDispatcher::Deliver(const OutboxMessage& m, Round& round) {
    const std::string& worker = options_.worker;
    Millis global_wait{0};
    {
        const std::lock_guard lock(pacing_mutex_);
        const TimePoint now = clock_.Now();
        if (chats_.size() > kMaxChatBuckets) chats_.clear();  // only costs a burst allowance
        Bucket& chat =
            chats_.try_emplace(m.chat_id, Bucket{options_.chat_burst, now}).first->second;
        const Millis chat_wait = Take(chat, options_.chat_rate, options_.chat_burst, now);
        if (chat_wait > Millis(0)) {
            chat.tokens += 1;
            store_.Write([&](UnitOfWork& unit) {
                unit.MarkRetry(m.id, worker, now + chat_wait, m.last_error);
            });
            ++round.retried;
            Count("deferred");
            return;
        }
        global_wait = Take(global_, options_.global_rate, options_.global_burst, now);
    }
    if (global_wait > Millis(0)) wait_(global_wait);

    const SendOutcome outcome = sender_.Send(m);
    const TimePoint now = clock_.Now();
    bool held = true;
    switch (outcome.kind) {
        case SendOutcome::Kind::kSent:
            held = store_.Write([&](UnitOfWork& unit) { return unit.MarkSent(m.id, worker, now); });
            ++round.sent;
            Count("sent");
            break;
        case SendOutcome::Kind::kRetryAfter:
            held = store_.Write([&](UnitOfWork& unit) {
                return unit.MarkRetry(m.id, worker, now + outcome.retry_after, outcome.error);
            });
            ++round.retried;
            Count("retry_after");
            break;
        case SendOutcome::Kind::kTransient:
            if (m.attempts >= options_.max_attempts) {
                held = store_.Write([&](UnitOfWork& unit) {
                    return unit.MarkDead(m.id, worker, "gave up: " + outcome.error);
                });
                ++round.dead;
                Count("dead");
                log::Error("outbox.dead", {{"platform", m.platform},
                                           {"message", m.id},
                                           {"attempts", m.attempts},
                                           {"error", outcome.error}});
            } else {
                held = store_.Write([&](UnitOfWork& unit) {
                    return unit.MarkRetry(m.id, worker, now + Backoff(m.attempts), outcome.error);
                });
                ++round.retried;
                Count("transient");
            }
            break;
        case SendOutcome::Kind::kBlocked:
            held = store_.Write([&](UnitOfWork& unit) {
                SetChatBlocked(unit, m.platform, m.chat_id, true, now);
                return unit.MarkDead(m.id, worker, outcome.error);
            });
            ++round.dead;
            Count("blocked");
            break;
        case SendOutcome::Kind::kPermanent:
            held = store_.Write(
                [&](UnitOfWork& unit) { return unit.MarkDead(m.id, worker, outcome.error); });
            ++round.dead;
            Count("permanent");
            log::Error("outbox.rejected",
                       {{"platform", m.platform}, {"message", m.id}, {"error", outcome.error}});
            break;
    }
    if (!held) {
        // The lease ran out while sending and another worker took the message.
        log::Warn("outbox.claim_lost", {{"platform", m.platform}, {"message", m.id}});
    }
}

}  // namespace bookbot::core
