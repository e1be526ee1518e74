#include "bookbot/transports/telegram/webhook.hpp"

#include "bookbot/core/log.hpp"
#include "bookbot/core/log_throttle.hpp"
#include "bookbot/core/storage_error.hpp"
#include "bookbot/core/update_metrics.hpp"
#include "bookbot/transports/telegram/requests.hpp"
#include "bookbot/transports/telegram/secret.hpp"

namespace bookbot::transports::telegram {
namespace {

constexpr std::string_view kSecretHeader = "X-Telegram-Bot-Api-Secret-Token";
// How much of an unplaceable update the warning keeps for the operator.
constexpr std::size_t kKeptBodyBytes = 512;

// Printable ASCII as is, every other byte as \xNN: a log line never carries
// control characters or invalid UTF-8 from a hostile body.
std::string Printable(std::string_view body) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (const char c : body.substr(0, kKeptBodyBytes)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f && c != '\\') {
            out += c;
        } else {
            out += "\\x";
            out += kHex[byte >> 4];
            out += kHex[byte & 0xf];
        }
    }
    if (body.size() > kKeptBodyBytes) out += "...";
    return out;
}

http::Response Answer(int status, std::string body) {
    http::Response response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

}  // namespace

http::Response Webhook::Handle(const http::Request& request) {
    const std::string transport(kPlatform);
    if (request.method != "POST") {
        http::Response response = Answer(405, "POST only\n");
        response.headers.emplace_back("Allow", "POST");
        return response;
    }
    const auto secret = request.Header(kSecretHeader);
    if (!secret || !SecretMatches(secret_, *secret)) {
        core::CountUpdate(metrics_, transport, "rejected");
        const char* why = secret ? "wrong secret token" : "no secret token header";
        if (const auto held = rejected_log_.Allow()) {
            core::log::Warn("telegram.webhook_rejected",
                            {{"reason", why}, {"similar_lines_held_back", *held}});
        }
        return secret ? Answer(403, "wrong secret token\n") : Answer(401, "missing secret token\n");
    }
    ParsedUpdate update;
    try {
        update = ParseUpdate(request.body, clock_.Now());
    } catch (const CodecError& e) {
        // Telegram sent it (the secret matched), so any answer but 2xx makes
        // it deliver the same body again for a day. Acknowledge it; the
        // operator gets the counter and a bounded copy of the body.
        core::CountUpdate(metrics_, transport, "unplaceable");
        if (const auto held = unplaceable_log_.Allow()) {
            core::log::Warn("telegram.webhook_unplaceable_update",
                            {{"error", e.what()},
                             {"bytes", request.body.size()},
                             {"body", Printable(request.body)},
                             {"similar_lines_held_back", *held}});
        }
        return Answer(200, "");
    }
    try {
        const UpdateHandler::Outcome outcome = handler_.Handle(update);
        if (!NeedsCallbackAnswer(update, outcome)) return Answer(200, "");
        // The press is answered in this reply: no Bot API request of its own.
        http::Response response =
            Answer(200, AnswerCallbackQueryWebhookReply(update.callback_query_id));
        response.content_type = "application/json";
        return response;
    } catch (const core::StorageError& e) {
        core::log::Error("telegram.webhook_store_error",
                         {{"kind", core::KindName(e.kind())},
                          {"error", e.what()},
                          {"update_id", update.update_id.value_or(0)}});
        http::Response response = Answer(503, "store unavailable; deliver again\n");
        response.headers.emplace_back("Retry-After", "5");
        return response;
    } catch (const std::bad_alloc&) {
        http::Response response = Answer(503, "out of memory; deliver again\n");
        response.headers.emplace_back("Retry-After", "5");
        return response;
    } catch (const std::exception& e) {
        // A defect, not the store: delivering it again would fail the same way.
        core::CountUpdate(metrics_, transport, "unplaceable");
        if (const auto held = unplaceable_log_.Allow()) {
            core::log::Error("telegram.webhook_update_failed",
                             {{"error", e.what()},
                              {"update_id", update.update_id.value_or(0)},
                              {"similar_lines_held_back", *held}});
        }
        return Answer(200, "");
    }
}

}  // namespace bookbot::transports::telegram
