#include <catch2/catch.hpp>
#include <string>

#include "bookbot/transports/whatsapp/codec.hpp"
#include "bookbot/transports/whatsapp/webhook_auth.hpp"
#include "whatsapp_test_support.hpp"

namespace bookbot::transports::whatsapp {
namespace {

using core::Inbound;
using testing::Fixture;
using testing::kPhoneNumberId;
using testing::kReceivedAt;

WebhookEvents Parse(const std::string& fixture) {
    return ParseWebhook(Fixture(fixture), kReceivedAt, kPhoneNumberId);
}

// The one inbound message of a fixture.
Inbound Only(const std::string& fixture) {
    const WebhookEvents hook = Parse(fixture);
    REQUIRE(hook.messages.size() == 1);
    CHECK(hook.statuses.empty());
    return hook.messages.front();
}

TEST_CASE("a text message becomes text from its sender, keyed by its wamid") {
    const Inbound in = Only("text.json");
    CHECK(in.platform == "whatsapp");
    CHECK(in.external_id == "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERTQ5NUE1REE1N0EzRkI2RAA=");
    CHECK(in.user_id == "16505551234");
    CHECK(in.chat_id == "16505551234");
    CHECK(in.kind == Inbound::Kind::kText);
    CHECK(in.payload == "Hi, I'd like an appointment");
    CHECK(in.at == kReceivedAt);
}

TEST_CASE("reply buttons, list rows and template quick-replies are button presses") {
    const Inbound button = Only("button_reply.json");
    CHECK(button.kind == Inbound::Kind::kButton);
    CHECK(button.payload == "book");
    CHECK(button.origin_message_id == "wamid.OUTBOUND1");

    const Inbound row = Only("list_reply.json");
    CHECK(row.kind == Inbound::Kind::kButton);
    CHECK(row.payload == "slot:1749459600000:0");
    CHECK(row.external_id == "wamid.LISTREPLY1");

    const Inbound quick = Only("template_button.json");
    CHECK(quick.kind == Inbound::Kind::kButton);
    CHECK(quick.payload == "menu");
}

TEST_CASE("media, locations, reactions and unsupported messages are answered as unsupported") {
    for (const std::string type :
         {"image", "audio", "sticker", "location", "reaction", "unsupported"}) {
        INFO(type);
        const Inbound in = Only(type + ".json");
        CHECK(in.kind == Inbound::Kind::kUnsupported);
        CHECK(in.payload == type);
        CHECK(in.user_id == "16505551234");
    }
}

TEST_CASE("system messages, unknown types and other numbers are ignored, not errors") {
    for (const std::string name : {"system.json", "unknown_type.json", "other_number.json"}) {
        INFO(name);
        const WebhookEvents hook = Parse(name);
        CHECK(hook.messages.empty());
        CHECK(hook.statuses.empty());
        CHECK(hook.ignored.size() == 1);
    }
    CHECK(Parse("system.json").ignored.front() == "system message");
    CHECK(Parse("other_number.json").ignored.front() == "other phone number");
    // Without a configured number, every number's messages are read.
    CHECK(ParseWebhook(Fixture("other_number.json"), kReceivedAt).messages.size() == 1);
}

TEST_CASE("statuses report sent, delivered, read and failed with the error") {
    const WebhookEvents hook = Parse("statuses.json");
    CHECK(hook.messages.empty());
    REQUIRE(hook.statuses.size() == 4);
    CHECK(hook.statuses[0].message_id == "wamid.OUT1");
    CHECK(hook.statuses[0].state == StatusEvent::State::kSent);
    CHECK(hook.statuses[0].at == core::TimePoint{std::chrono::seconds{1749416400}});
    CHECK(hook.statuses[1].state == StatusEvent::State::kDelivered);
    CHECK(hook.statuses[2].state == StatusEvent::State::kRead);
    const StatusEvent& failed = hook.statuses[3];
    CHECK(failed.state == StatusEvent::State::kFailed);
    CHECK(failed.message_id == "wamid.OUT2");
    CHECK(failed.recipient_id == "447700900123");
    CHECK(failed.error.rfind("131047 Re-engagement message: Message failed to send", 0) == 0);
}

TEST_CASE("one POST with several messages for several customers gives one inbound each") {
    const WebhookEvents hook = Parse("batch.json");
    REQUIRE(hook.messages.size() == 4);
    CHECK(hook.messages[0].external_id == "wamid.BATCH_A1");
    CHECK(hook.messages[0].user_id == "16505551234");
    CHECK(hook.messages[1].external_id == "wamid.BATCH_B1");
    CHECK(hook.messages[1].user_id == "447700900123");
    CHECK(hook.messages[1].payload == "book");
    CHECK(hook.messages[2].kind == Inbound::Kind::kButton);
    CHECK(hook.messages[2].payload == "mine");
    CHECK(hook.messages[3].user_id == "4915112345678");
    CHECK(hook.messages[3].kind == Inbound::Kind::kUnsupported);
    REQUIRE(hook.statuses.size() == 1);
    CHECK(hook.statuses[0].message_id == "wamid.OUT9");
}

TEST_CASE("unknown fields anywhere are ignored") {
    const WebhookEvents hook = Parse("unknown_fields.json");
    REQUIRE(hook.messages.size() == 1);
    CHECK(hook.messages[0].payload == "hi");
    CHECK(hook.ignored == std::vector<std::string>{"change other than messages"});
}

TEST_CASE("hostile bodies are refused or skipped, never a crash") {
    const auto refused = [](const std::string& body) {
        INFO(body.substr(0, 80));
        CHECK_THROWS_AS(ParseWebhook(body, kReceivedAt), CodecError);
    };
    refused("");
    refused("not json");
    refused("[]");
    refused(std::string(R"({"object":"whatsapp_business_account","entry":)") +
            std::string(100'000, '[') + std::string(100'000, ']') + "}");
    refused("{\"object\":\"whatsapp_business_account\",\"x\":\"\xff\xfe\"}");  // bad UTF-8
    refused(R"({"object":"whatsapp_business_account","entry":[{"id":1e999}]})");
    refused(std::string(kMaxWebhookBytes + 1, ' '));

    std::string huge = R"({"object":"whatsapp_business_account","entry":[)";
    for (int i = 0; i < 2000; ++i) huge += "{},";
    huge += "{}]}";
    refused(huge);

    const auto skipped = [](const std::string& value) {
        const std::string body =
            R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":)" +
            value + "}]}]}";
        INFO(value);
        const WebhookEvents hook = ParseWebhook(body, kReceivedAt);
        CHECK(hook.messages.empty());
        CHECK(hook.statuses.empty());
    };
    skipped(R"("a string")");
    skipped(R"({"messages":{"not":"an array"}})");
    skipped(R"({"messages":[1, null, "x", []]})");
    skipped(R"({"messages":[{"id":12,"from":"1","type":"text","text":{"body":"x"}}]})");
    skipped(R"({"messages":[{"id":"wamid.1","from":"+1 555","type":"text","text":{"body":"x"}}]})");
    skipped(R"({"messages":[{"id":"wamid.1","from":"1","type":"text","text":{"body":7}}]})");
    skipped(R"({"messages":[{"id":"wamid.1","from":"1","type":"text","text":"x"}]})");
    skipped(R"({"messages":[{"id":"wamid 1","from":"1","type":"text","text":{"body":"x"}}]})");
    skipped(R"({"messages":[{"id":"wamid.1","from":"1","type":["text"]}]})");
    skipped(R"({"messages":[{"id":")" + std::string(300, 'w') +
            R"(","from":"1","type":"text","text":{"body":"x"}}]})");
    skipped(R"({"statuses":[{"id":"wamid.1","status":18446744073709551616}]})");
    skipped(R"({"statuses":[{"id":"wamid.1"}]})");

    // Numbers past int64 where a number is read, and wrong types in statuses.
    const WebhookEvents odd = ParseWebhook(
        R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"statuses":[{"id":"wamid.1","status":"failed","timestamp":1e300,"errors":[{"code":99999999999999999999,"title":["x"]}]}]}}]}]})",
        kReceivedAt);
    REQUIRE(odd.statuses.size() == 1);
    CHECK(odd.statuses[0].at == kReceivedAt);
    CHECK(odd.statuses[0].error == "failed");
}

TEST_CASE("another object is acknowledged and ignored") {
    const WebhookEvents hook = ParseWebhook(R"({"object":"page","entry":[]})", kReceivedAt);
    CHECK(hook.messages.empty());
    CHECK(hook.ignored.size() == 1);
}

TEST_CASE("the signature is HMAC-SHA256 of the raw bytes with the app secret") {
    const std::string secret = "0123456789abcdef0123456789abcdef";
    const std::string body = Fixture("text.json");
    const std::string header = Sign(secret, body);
    CHECK(header.rfind("sha256=", 0) == 0);
    CHECK(header.size() == 7 + 64);
    CHECK(SignatureValid(secret, header, body));

    std::string upper = header;
    for (std::size_t i = 7; i < upper.size(); ++i)
        upper[i] = static_cast<char>(std::toupper(upper[i]));
    CHECK(SignatureValid(secret, upper, body));

    CHECK_FALSE(SignatureValid(secret, std::nullopt, body));
    CHECK_FALSE(SignatureValid(secret, "", body));
    CHECK_FALSE(SignatureValid("another secret", header, body));
    CHECK_FALSE(SignatureValid("", header, body));
    CHECK_FALSE(SignatureValid(secret, header.substr(7), body));  // no "sha256="
    CHECK_FALSE(SignatureValid(secret, "sha1=" + header.substr(7), body));
    CHECK_FALSE(SignatureValid(secret, header.substr(0, header.size() - 1), body));
    CHECK_FALSE(SignatureValid(secret, header + "0", body));
    std::string flipped = header;
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    CHECK_FALSE(SignatureValid(secret, flipped, body));
    std::string not_hex = header;
    not_hex[10] = 'g';
    CHECK_FALSE(SignatureValid(secret, not_hex, body));

    // The same JSON with other bytes (compacted, as a proxy might) does not match.
    std::string compact;
    for (const char c : body) {
        if (c != '\n' && c != ' ') compact += c;
    }
    CHECK_FALSE(SignatureValid(secret, header, compact));
    CHECK(SignatureValid(secret, Sign(secret, compact), compact));
}

TEST_CASE("the verification handshake echoes the challenge only for the right token") {
    const std::string token = "my-verify_token";
    CHECK(VerifyHandshake(
              "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=my-verify_token",
              token) == "1158201444");
    CHECK(VerifyHandshake(
              "hub.verify_token=my%2Dverify%5Ftoken&hub.mode=subscribe&hub.challenge=abc", token) ==
          "abc");
    CHECK_FALSE(
        VerifyHandshake("hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong", token));
    CHECK_FALSE(VerifyHandshake("hub.mode=subscribe&hub.challenge=1&hub.verify_token=", token));
    CHECK_FALSE(VerifyHandshake("hub.mode=subscribe&hub.challenge=1", token));
    CHECK_FALSE(VerifyHandshake(
        "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=my-verify_token", token));
    CHECK_FALSE(VerifyHandshake("hub.mode=subscribe&hub.verify_token=my-verify_token", token));
    CHECK_FALSE(VerifyHandshake(
        "hub.mode=subscribe&hub.challenge=%3Cscript%3E&hub.verify_token=my-verify_token", token));
    CHECK_FALSE(VerifyHandshake("hub.mode=subscribe&hub.challenge=1&hub.verify_token=x", ""));
    CHECK_FALSE(VerifyHandshake(
        "hub.mode=subscribe&hub.challenge=1&hub.verify_token=my-verify_token%", token));
    CHECK_FALSE(VerifyHandshake("", token));
}

}  // namespace
}  // namespace bookbot::transports::whatsapp
