#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/engine.hpp"
#include "bookbot/core/log_throttle.hpp"
#include "bookbot/core/metrics.hpp"
#include "bookbot/transports/http/message.hpp"
#include "bookbot/transports/whatsapp/codec.hpp"

namespace bookbot::transports::whatsapp {

struct WebhookSettings {
    std::string app_secret;       // keys X-Hub-Signature-256
    std::string verify_token;     // the handshake's hub.verify_token
    std::string phone_number_id;  // only this number's changes are read
};

// The WhatsApp webhook path, both methods. Thread-safe.
//   GET: the verification handshake (webhook_auth.hpp) → 200 with the
//     challenge, else 403.
//   POST: X-Hub-Signature-256 checked on the raw body before anything else:
//     missing → 401, wrong → 403, nothing parsed or written. Refusals (and
//     bodies that are not a webhook, and refused handshakes) write at most
//     one warning per kLogInterval each, counting the ones held back.
//     not a webhook body → 400.
//     each message → `handle_message` (the Intake: one unit of work each,
//     counted there, a replay a dedupe hit), in body order; then all its
//     statuses at once → `handle_statuses` (one unit for the body's
//     statuses; not called when there are none); skipped items counted
//     "ignored". 200 only after all of them committed.
//     a core::StorageError from either → 503 with Retry-After; WhatsApp
//     delivers the whole body again and the messages already committed are
//     duplicates then.
class Webhook {
public:
    using HandleMessage = std::function<core::HandleResult(const core::Inbound&)>;
    using HandleStatuses = std::function<void(const std::vector<StatusEvent>&)>;

    Webhook(WebhookSettings settings, HandleMessage handle_message, HandleStatuses handle_statuses,
            const core::Clock& clock, core::Metrics* metrics);

    http::Response Handle(const http::Request& request) const;

    static constexpr std::chrono::seconds kLogInterval{10};

private:
    http::Response Verify(const http::Request& request) const;
    http::Response Deliver(const http::Request& request) const;

    // Throttles change as lines are written; Handle stays const (thread-safe).
    mutable core::log::Throttle rejected_log_{kLogInterval};
    mutable core::log::Throttle bad_body_log_{kLogInterval};
    mutable core::log::Throttle verify_log_{kLogInterval};
    WebhookSettings settings_;
    HandleMessage handle_message_;
    HandleStatuses handle_statuses_;
    const core::Clock& clock_;
    core::Metrics* metrics_;
};

}  // namespace bookbot::transports::whatsapp
