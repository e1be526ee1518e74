#include "bookbot/transports/telegram/webhook.hpp"

#include "bookbot/core/log.hpp"
#include "bookbot/core/storage_error.hpp"
#include "bookbot/core/update_metrics.hpp"
#include "bookbot/transports/telegram/secret.hpp"

namespace bookbot::transports::telegram {
namespace {

constexpr std::string_view kSecretHeader = "X-Telegram-Bot-Api-Secret-Token";

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
    if (!secret) {
        core::CountUpdate(metrics_, transport, "rejected");
        core::log::Warn("telegram.webhook_rejected", {{"reason", "no secret token header"}});
        return Answer(401, "missing secret token\n");
    }
    if (!SecretMatches(secret_, *secret)) {
        core::CountUpdate(metrics_, transport, "rejected");
        core::log::Warn("telegram.webhook_rejected", {{"reason", "wrong secret token"}});
        return Answer(403, "wrong secret token\n");
    }
    ParsedUpdate update;
    try {
        update = ParseUpdate(request.body, clock_.Now());
    } catch (const CodecError& e) {
        core::CountUpdate(metrics_, transport, "rejected");
        core::log::Warn("telegram.webhook_bad_update", {{"error", e.what()}});
        return Answer(400, std::string("not a Telegram update: ") + e.what() + "\n");
    }
    try {
        handler_.Handle(update);
        return Answer(200, "");
    } catch (const core::StorageError& e) {
        core::log::Error("telegram.webhook_store_error",
                         {{"kind", core::KindName(e.kind())},
                          {"error", e.what()},
                          {"update_id", update.update_id.value_or(0)}});
        http::Response response = Answer(503, "store unavailable; deliver again\n");
        response.headers.emplace_back("Retry-After", "5");
        return response;
    }
}

}  // namespace bookbot::transports::telegram
