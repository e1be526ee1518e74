#pragma once

#include <functional>
#include <string>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/engine.hpp"
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
//     missing → 401, wrong → 403, nothing parsed or written.
//     not a webhook body → 400.
//     each message → `handle_message` (the Intake: one unit of work each,
//     counted there, a replay a dedupe hit), in body order; each status →
//     `handle_status`; skipped items counted "ignored". 200 only after all of
//     them committed.
//     a core::StorageError from either → 503 with Retry-After; WhatsApp
//     delivers the whole body again and the messages already committed are
//     duplicates then.
class Webhook {
public:
    using HandleMessage = std::function<core::HandleResult(const core::Inbound&)>;
    using HandleStatus = std::function<void(const StatusEvent&)>;

    Webhook(WebhookSettings settings, HandleMessage handle_message, HandleStatus handle_status,
            const core::Clock& clock, core::Metrics* metrics);

    http::Response Handle(const http::Request& request) const;

private:
    http::Response Verify(const http::Request& request) const;
    http::Response Deliver(const http::Request& request) const;

    WebhookSettings settings_;
    HandleMessage handle_message_;
    HandleStatus handle_status_;
    const core::Clock& clock_;
    core::Metrics* metrics_;
};

}  // namespace bookbot::transports::whatsapp
