#include <catch2/catch.hpp>
#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bookbot/transports/telegram/bot_api.hpp"
#include "bookbot/transports/telegram/outbox_sender.hpp"
#include "telegram_test_support.hpp"

namespace bookbot::transports::telegram {
namespace {

using core::SendOutcome;
using nlohmann::json;
using testing::Fixture;
using namespace std::chrono_literals;

const std::string kToken = "123456789:AAE-secretHalf_0123456789abcdefghijklm";
const std::string kSecretHalf = "AAE-secretHalf_0123456789abcdefghijklm";

class FixedClock final : public core::Clock {
public:
    core::TimePoint Now() const override { return testing::kReceivedAt; }
};

// Telegram as BotApi's transport sees it: records each call and answers with
// the next scripted response (or failure).
class FakeTelegram {
public:
    struct Call {
        std::string path;
        json body;
        std::optional<std::chrono::milliseconds> timeout;
    };

    void Answer(int status, std::string body) {
        answers_.emplace_back([status, body] { return http::ClientResponse{status, {}, body}; });
    }
    void Ok(const std::string& result) { Answer(200, R"({"ok":true,"result":)" + result + "}"); }
    void Fail(std::function<http::ClientResponse()> thrower) {
        answers_.push_back(std::move(thrower));
    }

    BotApi::PostJson Transport() {
        return [this](std::string_view path, std::string_view body,
                      std::optional<std::chrono::milliseconds> timeout) {
            calls.push_back({std::string(path), json::parse(body), timeout});
            REQUIRE_FALSE(answers_.empty());
            auto next = std::move(answers_.front());
            answers_.pop_front();
            return next();
        };
    }

    std::vector<Call> calls;

private:
    std::deque<std::function<http::ClientResponse()>> answers_;
};

struct Harness {
    FixedClock clock;
    FakeTelegram telegram;
    BotApi api{telegram.Transport(), kToken, clock};
    TelegramSender sender{api};
};

core::OutboxMessage Outbox(const core::Reply& reply, std::string chat_id = "5123456789") {
    core::OutboxMessage message;
    message.id = 1;
    message.platform = "telegram";
    message.chat_id = std::move(chat_id);
    message.body = core::EncodeReply(reply);
    return message;
}

core::Reply Edit(std::string text, std::string message_id) {
    core::Reply reply = core::Reply::Plain(std::move(text));
    reply.edit_message_id = std::move(message_id);
    return reply;
}

ApiResult Error(int code, std::string description, std::optional<int> retry_after = {}) {
    ApiResult result;
    result.http_status = code;
    result.error_code = code;
    result.description = std::move(description);
    result.retry_after = retry_after;
    return result;
}

bool LeaksToken(std::string_view text) {
    return text.find(kToken) != std::string_view::npos ||
           text.find(kSecretHalf) != std::string_view::npos;
}

TEST_CASE("calls go to /bot<token>/<method> with a JSON body", "[telegram][bot_api]") {
    Harness h;
    h.telegram.Ok(R"({"id":7000000001,"is_bot":true,"first_name":"Salon Bot",)"
                  R"("username":"salon_booking_bot"})");
    const BotUser me = h.api.GetMe();
    CHECK(me.username == "salon_booking_bot");
    CHECK(me.id == 7000000001);

    h.telegram.Ok(R"({"message_id":1029})");
    CHECK(h.api.SendMessage(-1001234567890, core::Reply::Plain("hi")) == 1029);
    h.telegram.Ok("true");
    h.api.AnswerCallbackQuery("q1");

    REQUIRE(h.telegram.calls.size() == 3);
    CHECK(h.telegram.calls[0].path == "/bot" + kToken + "/getMe");
    CHECK(h.telegram.calls[1].path == "/bot" + kToken + "/sendMessage");
    CHECK(h.telegram.calls[1].body["chat_id"] == -1001234567890);
    CHECK(h.telegram.calls[2].body == json{{"callback_query_id", "q1"}});
    CHECK_FALSE(h.telegram.calls[1].timeout);  // the client's default
}

TEST_CASE("a sent message whose answer lacks an id still counts as sent", "[telegram][bot_api]") {
    Harness h;
    h.telegram.Ok("{}");
    CHECK_FALSE(h.api.SendMessage(1, core::Reply::Plain("hi")).has_value());
}

TEST_CASE("the long poll's HTTP timeout outlasts the poll", "[telegram][bot_api]") {
    Harness h;
    h.telegram.Ok(json::parse(Fixture("get_updates_batch.json"))["result"].dump());
    const auto updates = h.api.GetUpdates(912345611, 30, 100);
    REQUIRE(updates.size() == 4);
    CHECK(updates[0].inbound.at == testing::kReceivedAt);
    CHECK(NextOffset(updates, 912345611) == 912345614);

    h.telegram.Ok("[]");
    CHECK(h.api.GetUpdates(912345614, 600, 100).empty());

    REQUIRE(h.telegram.calls.size() == 2);
    CHECK(h.telegram.calls[0].body["offset"] == 912345611);
    CHECK(h.telegram.calls[0].body["timeout"] == 30);
    CHECK(h.telegram.calls[0].timeout == 30s + BotApi::kLongPollMargin);
    CHECK(h.telegram.calls[1].body["timeout"] == 50);
    CHECK(h.telegram.calls[1].timeout == 50s + BotApi::kLongPollMargin);
}

TEST_CASE("API failures carry Telegram's answer", "[telegram][bot_api]") {
    Harness h;
    h.telegram.Answer(429, Fixture("error_429.json"));
    try {
        h.api.SendMessage(1, core::Reply::Plain("hi"));
        FAIL("no error");
    } catch (const BotApiError& e) {
        CHECK(e.kind() == BotApiError::Kind::kApi);
        CHECK(e.method() == "sendMessage");
        CHECK(e.result().error_code == 429);
        CHECK(e.result().retry_after == 35);
        CHECK(std::string(e.what()) ==
              "telegram sendMessage: 429 Too Many Requests: retry after 35 (retry after 35 s)");
    }
    h.telegram.Fail([]() -> http::ClientResponse {
        throw http::HttpError(http::HttpError::Kind::kTimeout, "api.telegram.org:443: timed out");
    });
    try {
        h.api.DeleteWebhook(true);
        FAIL("no error");
    } catch (const BotApiError& e) {
        CHECK(e.kind() == BotApiError::Kind::kTransport);
        CHECK(e.transport_kind() == http::HttpError::Kind::kTimeout);
        CHECK(std::string(e.what()) == "telegram deleteWebhook: api.telegram.org:443: timed out");
    }
}

TEST_CASE("no failure message ever contains the bot token", "[telegram][bot_api][secret]") {
    FixedClock clock;
    // A token that is not a token is refused without being quoted.
    const std::vector<std::string> bad_tokens = {"",
                                                 "123456789",
                                                 "abc:" + kSecretHalf,
                                                 "123:secret/../x",
                                                 "123:" + kSecretHalf + "?q",
                                                 ":" + kSecretHalf};
    for (const std::string& bad : bad_tokens) {
        INFO(bad);
        try {
            BotApi api([](auto, auto, auto) { return http::ClientResponse{}; }, bad, clock);
            FAIL("accepted");
        } catch (const std::invalid_argument& e) {
            CHECK_FALSE(LeaksToken(e.what()));
            if (!bad.empty()) CHECK(std::string(e.what()).find(bad) == std::string::npos);
        }
    }

    Harness h;
    const std::string echo = "see /bot" + kToken + "/sendMessage and " + kSecretHalf;
    std::vector<std::string> messages;
    std::vector<SendOutcome> outcomes;
    const auto provoke = [&](const std::function<void()>& call) {
        try {
            call();
            FAIL("no error");
        } catch (const BotApiError& e) {
            messages.emplace_back(e.what());
            messages.push_back(e.result().description);
            outcomes.push_back(ClassifyError(e));
        }
    };
    const core::Reply hi = core::Reply::Plain("hi");
    // A client that (against its contract) names the path, and any other exception.
    h.telegram.Fail([&]() -> http::ClientResponse {
        throw http::HttpError(http::HttpError::Kind::kConnect, echo);
    });
    provoke([&] { h.api.SendMessage(1, hi); });
    h.telegram.Fail([&]() -> http::ClientResponse { throw std::runtime_error(echo); });
    provoke([&] { h.api.SendMessage(1, hi); });
    // A description that echoes the token, and a proxy page that does.
    h.telegram.Answer(400, json{{"ok", false}, {"error_code", 400}, {"description", echo}}.dump());
    provoke([&] { h.api.EditMessageText(1, 2, hi); });
    h.telegram.Answer(502, "<html>" + echo + "</html>");
    provoke([&] { h.api.SendMessage(1, hi); });
    // Results that do not parse.
    h.telegram.Ok(json{{"username", echo}}.dump());
    provoke([&] { h.api.GetMe(); });
    h.telegram.Ok(json{{"url", echo}}.dump());
    provoke([&] { h.api.GetWebhookInfo(); });
    h.telegram.Ok(json{{"not", echo}}.dump());
    provoke([&] { h.api.GetUpdates(0, 0, 1); });
    h.telegram.Answer(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})");
    provoke([&] { h.api.SetWebhook({"https://x.example/" + kToken, "s", {}, false}); });

    REQUIRE(messages.size() == 16);
    REQUIRE(outcomes.size() == 8);
    for (const std::string& message : messages) {
        INFO(message);
        CHECK_FALSE(LeaksToken(message));
    }
    for (const SendOutcome& outcome : outcomes) {
        INFO(outcome.error);
        CHECK_FALSE(LeaksToken(outcome.error));
    }
    CHECK(messages[0].find("<token>") != std::string::npos);  // redacted, not dropped
    CHECK(h.api.Redact("x" + kToken + "y") == "x<token>y");
}

TEST_CASE("what each Bot API answer means for an outbox message", "[telegram][classify]") {
    using K = SendOutcome::Kind;
    ApiResult ok;
    ok.ok = true;
    ok.http_status = 200;
    CHECK(ClassifyResult("sendMessage", ok).kind == K::kSent);

    const ApiResult not_modified = ParseApiResult(400, Fixture("error_400_not_modified.json"));
    CHECK(ClassifyResult("editMessageText", not_modified).kind == K::kSent);

    const SendOutcome flood =
        ClassifyResult("sendMessage", ParseApiResult(429, Fixture("error_429.json")));
    CHECK(flood.kind == K::kRetryAfter);
    CHECK(flood.retry_after == 35s);
    CHECK(ClassifyResult("sendMessage", Error(429, "Too Many Requests")).retry_after == 5s);

    const SendOutcome blocked =
        ClassifyResult("sendMessage", ParseApiResult(403, Fixture("error_403_blocked.json")));
    CHECK(blocked.kind == K::kBlocked);
    CHECK(blocked.error == "telegram sendMessage: 403 Forbidden: bot was blocked by the user");
    CHECK(ClassifyResult("sendMessage", Error(403, "Forbidden: user is deactivated")).kind ==
          K::kBlocked);

    for (const int code : {401, 404}) {
        const SendOutcome token = ClassifyResult("sendMessage", Error(code, "Unauthorized"));
        CHECK(token.kind == K::kTransient);
        CHECK(token.error.find("bot token was rejected") != std::string::npos);
    }
    CHECK(ClassifyResult("sendMessage", Error(400, "Bad Request: chat not found")).kind ==
          K::kPermanent);
    ApiResult migrated = Error(400, "Bad Request: group chat was upgraded to a supergroup chat");
    migrated.migrate_to_chat_id = -1001234567890;
    const SendOutcome moved = ClassifyResult("sendMessage", migrated);
    CHECK(moved.kind == K::kPermanent);
    CHECK(moved.error.find("-1001234567890") != std::string::npos);
    CHECK(ClassifyResult("sendMessage", Error(500, "Internal Server Error")).kind == K::kTransient);
    CHECK(ClassifyResult("sendMessage", ParseApiResult(502, "<html>Bad Gateway</html>")).kind ==
          K::kTransient);
    CHECK(ClassifyResult("sendMessage", ParseApiResult(200, "")).kind == K::kTransient);

    const BotApiError timeout(BotApiError::Kind::kTransport, "sendMessage", "timed out", {},
                              http::HttpError::Kind::kTimeout);
    CHECK(ClassifyError(timeout).kind == K::kTransient);
    const BotApiError api(BotApiError::Kind::kApi, "sendMessage", "x",
                          ParseApiResult(403, Fixture("error_403_blocked.json")));
    CHECK(ClassifyError(api).kind == K::kBlocked);
}

TEST_CASE("which failed edits become a new message", "[telegram][classify]") {
    CHECK(ShouldSendInsteadOfEdit(Error(400, "Bad Request: message to edit not found")));
    CHECK(ShouldSendInsteadOfEdit(Error(400, "Bad Request: message can't be edited")));
    CHECK(ShouldSendInsteadOfEdit(Error(400, "Bad Request: MESSAGE_ID_INVALID")));
    CHECK_FALSE(ShouldSendInsteadOfEdit(Error(400, "Bad Request: message is not modified")));
    CHECK_FALSE(ShouldSendInsteadOfEdit(Error(403, "Forbidden: bot was blocked by the user")));
    CHECK_FALSE(ShouldSendInsteadOfEdit(Error(500, "message to edit not found")));
}

TEST_CASE("the sender sends, edits, and falls back to sending", "[telegram][sender]") {
    using K = SendOutcome::Kind;
    Harness h;
    h.telegram.Ok(R"({"message_id":1})");
    CHECK(h.sender.Send(Outbox(core::Reply::Plain("hello"))).kind == K::kSent);

    h.telegram.Ok("true");
    CHECK(h.sender.Send(Outbox(Edit("updated", "1028"))).kind == K::kSent);

    h.telegram.Answer(400, R"({"ok":false,"error_code":400,)"
                           R"("description":"Bad Request: message to edit not found"})");
    h.telegram.Ok(R"({"message_id":1030})");
    CHECK(h.sender.Send(Outbox(Edit("again", "1028"))).kind == K::kSent);

    h.telegram.Answer(400, Fixture("error_400_not_modified.json"));
    CHECK(h.sender.Send(Outbox(Edit("same", "1028"))).kind == K::kSent);

    REQUIRE(h.telegram.calls.size() == 5);
    const auto method = [&](std::size_t i) {
        const std::string& path = h.telegram.calls[i].path;
        return path.substr(path.rfind('/') + 1);
    };
    CHECK(method(0) == "sendMessage");
    CHECK(h.telegram.calls[0].body["chat_id"] == 5123456789);
    CHECK(method(1) == "editMessageText");
    CHECK(h.telegram.calls[1].body["message_id"] == 1028);
    CHECK(method(2) == "editMessageText");
    CHECK(method(3) == "sendMessage");
    CHECK(h.telegram.calls[3].body["text"] == "again");
    CHECK(method(4) == "editMessageText");
}

TEST_CASE("the sender reports failures as outcomes", "[telegram][sender]") {
    using K = SendOutcome::Kind;
    Harness h;
    h.telegram.Answer(403, Fixture("error_403_blocked.json"));
    CHECK(h.sender.Send(Outbox(Edit("x", "1028"))).kind == K::kBlocked);  // no fallback
    h.telegram.Answer(429, Fixture("error_429.json"));
    const SendOutcome flood = h.sender.Send(Outbox(core::Reply::Plain("x")));
    CHECK(flood.kind == K::kRetryAfter);
    CHECK(flood.retry_after == 35s);
    h.telegram.Fail([]() -> http::ClientResponse {
        throw http::HttpError(http::HttpError::Kind::kConnect, "api.telegram.org:443: refused");
    });
    CHECK(h.sender.Send(Outbox(core::Reply::Plain("x"))).kind == K::kTransient);
    CHECK(h.telegram.calls.size() == 3);

    // Nothing Telegram could accept: no call at all.
    core::OutboxMessage garbage = Outbox(core::Reply::Plain("x"));
    garbage.body = "not an encoded reply";
    CHECK(h.sender.Send(garbage).kind == K::kPermanent);
    CHECK(h.sender.Send(Outbox(core::Reply::Plain("x"), "@channel")).kind == K::kPermanent);
    core::OutboxMessage whatsapp = Outbox(core::Reply::Plain("x"));
    whatsapp.platform = "whatsapp";
    CHECK(h.sender.Send(whatsapp).kind == K::kPermanent);
    core::Reply long_payload = core::Reply::Plain("x");
    long_payload.keyboard = {{{"button", std::string(65, 'p')}}};
    const SendOutcome refused = h.sender.Send(Outbox(long_payload));
    CHECK(refused.kind == K::kPermanent);
    CHECK(refused.error.find("1-64 bytes") != std::string::npos);
    CHECK(h.telegram.calls.size() == 3);
}

}  // namespace
}  // namespace bookbot::transports::telegram
