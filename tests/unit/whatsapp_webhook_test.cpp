#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "bookbot/core/storage_error.hpp"
#include "bookbot/transports/whatsapp/webhook.hpp"
#include "bookbot/transports/whatsapp/webhook_auth.hpp"
#include "whatsapp_test_support.hpp"

namespace bookbot::transports::whatsapp {
namespace {

using testing::Fixture;

const std::string kAppSecret = "f00dfeedf00dfeedf00dfeedf00dfeed";

class StillClock final : public core::Clock {
public:
    core::TimePoint Now() const override { return testing::kReceivedAt; }
};

// A Webhook whose handlers record what reached them, or throw on request.
struct Edge {
    StillClock clock;
    std::vector<core::Inbound> handled;
    std::vector<StatusEvent> statuses;
    int status_batches = 0;  // calls of the statuses handler: one per body
    int fail_after = -1;     // the store fails on this message (0-based)

    Webhook hook{{kAppSecret, "verify-me", testing::kPhoneNumberId},
                 [this](const core::Inbound& in) {
                     if (static_cast<int>(handled.size()) == fail_after) {
                         throw core::StorageError(core::StorageError::Kind::kUnavailable, "down");
                     }
                     handled.push_back(in);
                     return core::HandleResult{};
                 },
                 [this](const std::vector<StatusEvent>& batch) {
                     ++status_batches;
                     statuses.insert(statuses.end(), batch.begin(), batch.end());
                 },
                 clock,
                 nullptr};

    http::Response Post(const std::string& body, std::optional<std::string> signature) {
        http::Request request;
        request.method = "POST";
        request.target = "/whatsapp";
        request.body = body;
        if (signature) request.headers.emplace_back("X-Hub-Signature-256", *signature);
        return hook.Handle(request);
    }
    http::Response Get(const std::string& query) {
        http::Request request;
        request.method = "GET";
        request.target = "/whatsapp?" + query;
        return hook.Handle(request);
    }
};

TEST_CASE("webhook: the handshake echoes the challenge for the verify token") {
    Edge edge;
    const auto ok =
        edge.Get("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me");
    CHECK(ok.status == 200);
    CHECK(ok.body == "1158201444");
    CHECK(edge.Get("hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope").status == 403);
    CHECK(edge.Get("").status == 403);
}

TEST_CASE("webhook: a missing or wrong signature is refused with nothing handled") {
    Edge edge;
    const std::string body = Fixture("batch.json");
    CHECK(edge.Post(body, std::nullopt).status == 401);
    CHECK(edge.Post(body, Sign("another secret", body)).status == 403);
    CHECK(edge.Post(body, "sha256=" + std::string(64, '0')).status == 403);
    CHECK(edge.Post(body + " ", Sign(kAppSecret, body)).status == 403);
    CHECK(edge.handled.empty());
    CHECK(edge.statuses.empty());
}

TEST_CASE("webhook: each message of a signed body is handled, then 200") {
    Edge edge;
    const std::string body = Fixture("batch.json");
    const auto response = edge.Post(body, Sign(kAppSecret, body));
    CHECK(response.status == 200);
    REQUIRE(edge.handled.size() == 4);
    CHECK(edge.handled[1].external_id == "wamid.BATCH_B1");
    CHECK(edge.statuses.size() == 1);
    CHECK(edge.status_batches == 1);
}

TEST_CASE("webhook: a body of statuses alone is handed over in one call, then 200") {
    Edge edge;
    const std::string body = Fixture("statuses.json");
    CHECK(edge.Post(body, Sign(kAppSecret, body)).status == 200);
    CHECK(edge.handled.empty());
    CHECK(edge.status_batches == 1);
    CHECK(edge.statuses.size() == 4);
    // Nothing to hand over: the handler is not called.
    const std::string text = Fixture("text.json");
    CHECK(edge.Post(text, Sign(kAppSecret, text)).status == 200);
    CHECK(edge.status_batches == 1);
}

TEST_CASE("webhook: a store failure answers 503 with Retry-After") {
    Edge edge;
    edge.fail_after = 2;
    const std::string body = Fixture("batch.json");
    const auto response = edge.Post(body, Sign(kAppSecret, body));
    CHECK(response.status == 503);
    CHECK(http::FindHeader(response.headers, "Retry-After") == "5");
    CHECK(edge.handled.size() == 2);
    CHECK(edge.statuses.empty());
}

TEST_CASE("webhook: a signed body that is not a webhook is 400, other methods 405") {
    Edge edge;
    const std::string body = "[1,2,3]";
    CHECK(edge.Post(body, Sign(kAppSecret, body)).status == 400);
    http::Request put;
    put.method = "PUT";
    CHECK(edge.hook.Handle(put).status == 405);
}

}  // namespace
}  // namespace bookbot::transports::whatsapp
