#include "bookbot/transports/whatsapp/webhook.hpp"

#include "bookbot/core/log.hpp"
#include "bookbot/core/storage_error.hpp"
#include "bookbot/core/update_metrics.hpp"
#include "bookbot/transports/whatsapp/webhook_auth.hpp"

namespace bookbot::transports::whatsapp {
namespace {

constexpr std::string_view kSignatureHeader = "X-Hub-Signature-256";
const std::string kTransport(kPlatform);

http::Response Answer(int status, std::string body) {
    http::Response response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

std::string_view Query(const http::Request& request) {
    const std::string_view target = request.target;
    const std::size_t mark = target.find('?');
    return mark == std::string_view::npos ? std::string_view() : target.substr(mark + 1);
}

}  // namespace

Webhook::Webhook(WebhookSettings settings, HandleMessage handle_message,
                 HandleStatuses handle_statuses, const core::Clock& clock, core::Metrics* metrics)
    : settings_(std::move(settings)),
      handle_message_(std::move(handle_message)),
      handle_statuses_(std::move(handle_statuses)),
      clock_(clock),
      metrics_(metrics) {}

http::Response Webhook::Handle(const http::Request& request) const {
    if (request.method == "GET") return Verify(request);
    if (request.method == "POST") return Deliver(request);
    http::Response response = Answer(405, "GET or POST only\n");
    response.headers.emplace_back("Allow", "GET, POST");
    return response;
}

http::Response Webhook::Verify(const http::Request& request) const {
    if (auto challenge = VerifyHandshake(Query(request), settings_.verify_token)) {
        core::log::Info("whatsapp.webhook_verified");
        return Answer(200, std::move(*challenge));
    }
    if (const auto held = verify_log_.Allow()) {
        core::log::Warn("whatsapp.webhook_verify_refused", {{"similar_lines_held_back", *held}});
    }
    return Answer(403, "verification refused\n");
}

http::Response Webhook::Deliver(const http::Request& request) const {
    const auto signature = request.Header(kSignatureHeader);
    if (!signature) {
        core::CountUpdate(metrics_, kTransport, "rejected");
        if (const auto held = rejected_log_.Allow()) {
            core::log::Warn("whatsapp.webhook_rejected", {{"reason", "no signature header"},
                                                          {"similar_lines_held_back", *held}});
        }
        return Answer(401, "missing signature\n");
    }
    if (!SignatureValid(settings_.app_secret, *signature, request.body)) {
        core::CountUpdate(metrics_, kTransport, "rejected");
        if (const auto held = rejected_log_.Allow()) {
            core::log::Warn("whatsapp.webhook_rejected",
                            {{"reason", "wrong signature"}, {"similar_lines_held_back", *held}});
        }
        return Answer(403, "wrong signature\n");
    }
    WebhookEvents parsed;
    try {
        parsed = ParseWebhook(request.body, clock_.Now(), settings_.phone_number_id);
    } catch (const CodecError& e) {
        core::CountUpdate(metrics_, kTransport, "rejected");
        if (const auto held = bad_body_log_.Allow()) {
            core::log::Warn("whatsapp.webhook_bad_body",
                            {{"error", e.what()}, {"similar_lines_held_back", *held}});
        }
        return Answer(400, std::string("not a WhatsApp webhook: ") + e.what() + "\n");
    }
    for (const std::string& reason : parsed.ignored) {
        core::CountUpdate(metrics_, kTransport, "ignored");
        core::log::Debug("whatsapp.update_ignored", {{"reason", reason}});
    }
    try {
        for (const core::Inbound& in : parsed.messages) handle_message_(in);
        if (!parsed.statuses.empty()) handle_statuses_(parsed.statuses);
        return Answer(200, "");
    } catch (const core::StorageError& e) {
        // Counted where it happened (the Intake); the whole body comes again.
        core::log::Error("whatsapp.webhook_store_error",
                         {{"kind", core::KindName(e.kind())}, {"error", e.what()}});
        http::Response response = Answer(503, "store unavailable; deliver again\n");
        response.headers.emplace_back("Retry-After", "5");
        return response;
    }
}

}  // namespace bookbot::transports::whatsapp
