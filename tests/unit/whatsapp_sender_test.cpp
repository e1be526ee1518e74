#include <catch2/catch.hpp>
#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bookbot/core/log.hpp"
#include "bookbot/transports/whatsapp/codec.hpp"
#include "bookbot/transports/whatsapp/graph_api.hpp"
#include "bookbot/transports/whatsapp/outbox_sender.hpp"

namespace bookbot::transports::whatsapp {
namespace {

using core::SendOutcome;
using nlohmann::json;
using namespace std::chrono_literals;

const std::string kToken = "EAAGm0PX4ZCpsBA-secret-access-token-0123456789";

// The Graph API as GraphApi's transport sees it: records each call and
// answers with the next scripted response (or throws a transport error).
class FakeGraph {
public:
    struct Call {
        std::string method;
        std::string path;
        std::string body;
    };

    void Answer(int status, std::string body) { answers_.push_back({status, std::move(body)}); }
    void Error(int status, int code, const std::string& message) {
        Answer(status, json{{"error",
                             {{"message", message},
                              {"type", "OAuthException"},
                              {"code", code},
                              {"fbtrace_id", "Az8or2yhqkZfEZ-_4Qn_Bam"}}}}
                           .dump());
    }
    void Hang() { answers_.push_back({-1, ""}); }

    GraphApi::Transport Transport() {
        return [this](std::string_view method, std::string_view path, std::string_view body) {
            calls.push_back({std::string(method), std::string(path), std::string(body)});
            REQUIRE_FALSE(answers_.empty());
            const auto [status, answer] = answers_.front();
            answers_.pop_front();
            if (status < 0)
                throw http::HttpError(http::HttpError::Kind::kTimeout, "graph: timed out");
            return http::ClientResponse{status, {}, answer};
        };
    }

    std::vector<Call> calls;

private:
    std::deque<std::pair<int, std::string>> answers_;
};

GraphSettings Settings() {
    GraphSettings settings;
    settings.access_token = kToken;
    settings.phone_number_id = "106540352242922";
    return settings;
}

core::OutboxMessage Outbox(const core::Reply& reply, int attempts = 1) {
    core::OutboxMessage m;
    m.id = 7;
    m.platform = "whatsapp";
    m.chat_id = "16505551234";
    m.body = core::EncodeReply(reply);
    m.attempts = attempts;
    return m;
}

GraphResult Failed(int status, int code) {
    GraphResult result;
    result.http_status = status;
    result.code = code;
    result.message = "x";
    return result;
}

TEST_CASE("a reply is POSTed to {version}/{phone-number-id}/messages and returns the wamid") {
    FakeGraph graph;
    const GraphApi api(graph.Transport(), Settings());
    graph.Answer(
        200,
        R"({"messaging_product":"whatsapp","contacts":[{"input":"16505551234","wa_id":"16505551234"}],"messages":[{"id":"wamid.SENT1"}]})");
    CHECK(api.SendMessage("16505551234", core::Reply::Plain("Hi")) == "wamid.SENT1");
    REQUIRE(graph.calls.size() == 1);
    CHECK(graph.calls[0].method == "POST");
    CHECK(graph.calls[0].path == "/v21.0/106540352242922/messages");
    CHECK(json::parse(graph.calls[0].body)["text"]["body"] == "Hi");
    // The token travels in the Authorization header of the client, never in the path.
    CHECK(graph.calls[0].path.find(kToken) == std::string::npos);
    const auto options = ClientOptionsFor(kToken);
    REQUIRE(options.headers.size() == 1);
    CHECK(options.headers[0].first == "Authorization");
    CHECK(options.headers[0].second == "Bearer " + kToken);
}

TEST_CASE("settings are checked without quoting the token") {
    FakeGraph graph;
    GraphSettings bad = Settings();
    bad.phone_number_id = "12a";
    CHECK_THROWS_AS(GraphApi(graph.Transport(), bad), std::invalid_argument);
    bad = Settings();
    bad.version = "21/../x";
    CHECK_THROWS_AS(GraphApi(graph.Transport(), bad), std::invalid_argument);
    bad = Settings();
    bad.access_token.clear();
    CHECK_THROWS_AS(GraphApi(graph.Transport(), bad), std::invalid_argument);
}

TEST_CASE("errors are masked: the token never appears in what() or the outcome") {
    FakeGraph graph;
    const GraphApi api(graph.Transport(), Settings());
    graph.Error(401, 190, "Error validating access token " + kToken + " has expired");
    try {
        api.SendMessage("1", core::Reply::Plain("x"));
        FAIL("no error");
    } catch (const GraphApiError& e) {
        CHECK(e.kind() == GraphApiError::Kind::kApi);
        CHECK(std::string(e.what()).find(kToken) == std::string::npos);
        CHECK(std::string(e.what()).find("<token>") != std::string::npos);
        CHECK(e.result().code == 190);
    }
}

TEST_CASE("Graph answers are read whatever they hold") {
    CHECK(ParseGraphResult(200, R"({"messages":[{"id":"wamid.1"}]})").ok);
    const GraphResult html = ParseGraphResult(502, "<html>Bad gateway</html>");
    CHECK_FALSE(html.ok);
    CHECK(html.code == 502);
    CHECK(html.message.find("Bad gateway") == std::string::npos);
    const GraphResult detailed = ParseGraphResult(
        400,
        R"({"error":{"message":"(#131047) Re-engagement message","code":131047,"error_subcode":2494010,"error_data":{"messaging_product":"whatsapp","details":"more than 24 hours"}}})");
    CHECK(detailed.code == 131047);
    CHECK(detailed.subcode == 2494010);
    CHECK(detailed.message == "(#131047) Re-engagement message: more than 24 hours");
    CHECK(ParseGraphResult(400, R"({"error":{"code":1e999}})").code == 400);
    CHECK(ParseGraphResult(400, R"({"error":{"code":-5,"message":7}})").code == 400);
    CHECK_FALSE(ParseSentMessageId(R"({"messages":[]})"));
    CHECK_FALSE(ParseSentMessageId("nonsense"));
}

TEST_CASE("rate limits are retried with a growing wait") {
    for (const int code : {4, 80007, 130429}) {
        INFO(code);
        const SendOutcome first = ClassifyResult(Failed(400, code), 1);
        CHECK(first.kind == SendOutcome::Kind::kRetryAfter);
        CHECK(first.retry_after == 2s);
        CHECK(ClassifyResult(Failed(400, code), 3).retry_after == 8s);
        CHECK(ClassifyResult(Failed(400, code), 30).retry_after == 60s);
    }
    CHECK(ClassifyResult(Failed(429, 0), 1).kind == SendOutcome::Kind::kRetryAfter);
    const SendOutcome pair = ClassifyResult(Failed(400, kCodePairRateLimit), 1);
    CHECK(pair.kind == SendOutcome::Kind::kRetryAfter);
    CHECK(pair.retry_after == 6s);
    CHECK(ClassifyResult(Failed(400, kCodePairRateLimit), 100).retry_after == 5min);
    CHECK(ClassifyResult(Failed(400, kCodeSpamRateLimit), 1).retry_after == 1min);
}

TEST_CASE("outside the 24-hour window is parked with a clear reason, not retried") {
    const SendOutcome outcome = ClassifyResult(Failed(400, kCodeOutsideWindow), 1);
    CHECK(outcome.kind == SendOutcome::Kind::kPermanent);
    CHECK(outcome.error.find("24-hour customer-service window") != std::string::npos);
    CHECK(outcome.error.find("131047") != std::string::npos);
}

TEST_CASE("a rejected token is logged loudly and retried slowly") {
    std::vector<std::string> events;
    core::log::SetSink([&](core::log::Level level, std::string_view event, const auto&) {
        if (level == core::log::Level::kError) events.emplace_back(event);
    });
    const SendOutcome by_status = ClassifyResult(Failed(401, 0), 1);
    const SendOutcome by_code = ClassifyResult(Failed(400, kCodeTokenInvalid), 2);
    core::log::SetSink({});
    CHECK(by_status.kind == SendOutcome::Kind::kRetryAfter);
    CHECK(by_status.retry_after == 1min);
    CHECK(by_code.retry_after == 2min);
    CHECK(by_status.error.find("WHATSAPP_ACCESS_TOKEN") != std::string::npos);
    CHECK(events == std::vector<std::string>{"whatsapp.token_rejected", "whatsapp.token_rejected"});
}

TEST_CASE("server errors are transient, other client errors are dead") {
    for (const int status : {500, 502, 503}) {
        CHECK(ClassifyResult(Failed(status, status), 1).kind == SendOutcome::Kind::kTransient);
    }
    for (const int code : {1, 2, 131000, 131016, 133004}) {
        CHECK(ClassifyResult(Failed(400, code), 1).kind == SendOutcome::Kind::kTransient);
    }
    for (const int code : {100, 131026, 131051, 131009}) {
        CHECK(ClassifyResult(Failed(400, code), 1).kind == SendOutcome::Kind::kPermanent);
    }
    CHECK(ClassifyResult(Failed(403, 10), 1).kind == SendOutcome::Kind::kPermanent);
}

TEST_CASE("the sender delivers, classifies and never throws") {
    FakeGraph graph;
    const GraphApi api(graph.Transport(), Settings());
    WhatsAppSender sender(api);

    graph.Answer(200, R"({"messages":[{"id":"wamid.A"}]})");
    CHECK(sender.Send(Outbox(core::Reply::Plain("hi"))).kind == SendOutcome::Kind::kSent);

    graph.Error(400, kCodePairRateLimit, "(#131056) pair rate limit hit");
    const SendOutcome limited = sender.Send(Outbox(core::Reply::Plain("hi"), 2));
    CHECK(limited.kind == SendOutcome::Kind::kRetryAfter);
    CHECK(limited.retry_after == 12s);

    graph.Hang();
    CHECK(sender.Send(Outbox(core::Reply::Plain("hi"))).kind == SendOutcome::Kind::kTransient);

    graph.Answer(500, "oops");
    CHECK(sender.Send(Outbox(core::Reply::Plain("hi"))).kind == SendOutcome::Kind::kTransient);

    core::Reply eleven;
    eleven.text = "too many";
    for (int i = 0; i < 11; ++i) eleven.keyboard.push_back({{"b", "b" + std::to_string(i)}});
    const SendOutcome refused = sender.Send(Outbox(eleven));
    CHECK(refused.kind == SendOutcome::Kind::kPermanent);
    CHECK(refused.error.find("11 choices") != std::string::npos);

    core::OutboxMessage other = Outbox(core::Reply::Plain("x"));
    other.platform = "telegram";
    CHECK(sender.Send(other).kind == SendOutcome::Kind::kPermanent);
    other = Outbox(core::Reply::Plain("x"));
    other.chat_id = "-100";
    CHECK(sender.Send(other).kind == SendOutcome::Kind::kPermanent);
    other = Outbox(core::Reply::Plain("x"));
    other.body = "garbage";
    CHECK(sender.Send(other).kind == SendOutcome::Kind::kPermanent);
    CHECK(graph.calls.size() == 4);  // the refused ones never reached WhatsApp
}

}  // namespace
}  // namespace bookbot::transports::whatsapp
