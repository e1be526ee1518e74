#pragma once

#include <chrono>

#include "bookbot/core/outbox_sender.hpp"
#include "bookbot/transports/whatsapp/graph_api.hpp"

namespace bookbot::transports::whatsapp {

// Delivers outbox messages of platform "whatsapp" through the Graph API,
// each as a new message (WhatsApp has no edits). Never throws for a delivery
// failure; `api` must outlive it.
class WhatsAppSender final : public core::OutboxSender {
public:
    explicit WhatsAppSender(const GraphApi& api) : api_(api) {}
    core::SendOutcome Send(const core::OutboxMessage& message) override;

private:
    const GraphApi& api_;
};

// Graph error codes the classification names.
inline constexpr int kCodeTokenInvalid = 190;
inline constexpr int kCodeThroughput = 130429;
inline constexpr int kCodePairRateLimit = 131056;
inline constexpr int kCodeSpamRateLimit = 131048;
inline constexpr int kCodeOutsideWindow = 131047;

// What a failed call means for an outbox message that has had `attempts`
// delivery attempts (this one included):
//   HTTP 429, 4, 80007, 130429 (throughput)  → RetryAfter 2 s, doubling to 1 min
//   131056 (pair rate limit)                  → RetryAfter 6 s, doubling to 5 min
//   131048 (spam rate limit)                  → RetryAfter 1 min, doubling to 1 h
//   HTTP 401 or 190 (the token was rejected)  → RetryAfter 1 min, doubling to 15 min,
//                                               logged as an error every time
//   131047 (outside the 24-hour window)       → Permanent: parked with that reason
//   HTTP 5xx, 1, 2, 131000, 131016, 133004    → Transient
//   other 4xx                                 → Permanent
//   anything else (an HTML page from a proxy) → Transient
core::SendOutcome ClassifyResult(const GraphResult& result, int attempts);

// ClassifyResult for kApi; no answer (kTransport) or an unreadable one
// (kResponse) → Transient.
core::SendOutcome ClassifyError(const GraphApiError& error, int attempts);

// `base` doubled per earlier attempt, at most `cap`.
std::chrono::milliseconds RateLimitWait(std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap, int attempts);

}  // namespace bookbot::transports::whatsapp
