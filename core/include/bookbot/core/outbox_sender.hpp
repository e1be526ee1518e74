#pragma once

#include <chrono>
#include <string>

#include "bookbot/core/records.hpp"

namespace bookbot::core {

// What one delivery attempt of an outbox message came to. The dispatcher
// decides what happens next from the kind alone.
struct SendOutcome {
    enum class Kind {
        kSent,        // delivered (or nothing to change: "message is not modified")
        kRetryAfter,  // the platform asked to wait `retry_after` (HTTP 429)
        kTransient,   // network error, timeout, 5xx: retry with backoff
        kBlocked,     // the user blocked the bot: never send to this chat again
        kPermanent,   // the platform rejected the message itself: retrying cannot help
    };

    Kind kind = Kind::kSent;
    std::chrono::milliseconds retry_after{0};
    std::string error;  // one line for the operator; never contains a secret
    // kSent: the id the platform gave the message (WhatsApp's wamid), stored
    // on its outbox row so the platform's delivery reports can find it
    // (UnitOfWork::RecordDelivery); empty when the platform did not say.
    std::string platform_message_id;

    static SendOutcome Sent(std::string platform_message_id = {}) {
        SendOutcome outcome;
        outcome.platform_message_id = std::move(platform_message_id);
        return outcome;
    }
    static SendOutcome RetryAfter(std::chrono::milliseconds wait, std::string error) {
        return {Kind::kRetryAfter, wait, std::move(error), {}};
    }
    static SendOutcome Transient(std::string error) {
        return {Kind::kTransient, {}, std::move(error), {}};
    }
    static SendOutcome Blocked(std::string error) {
        return {Kind::kBlocked, {}, std::move(error), {}};
    }
    static SendOutcome Permanent(std::string error) {
        return {Kind::kPermanent, {}, std::move(error), {}};
    }
};

// A platform's outbound side, as the outbox dispatcher sees it. `message.body`
// is what the engine enqueued: an EncodeReply() string. Implementations must
// not throw for delivery failures (they are outcomes), and must be
// thread-safe: a dispatcher sends a batch's messages (each to another chat)
// in parallel. Each call should be bounded by a timeout of its own.
class OutboxSender {
public:
    virtual ~OutboxSender() = default;
    virtual SendOutcome Send(const OutboxMessage& message) = 0;
};

}  // namespace bookbot::core
