#include <catch2/catch.hpp>
#include <limits>
#include <string>

#include "bookbot/transports/telegram/codec.hpp"
#include "telegram_test_support.hpp"

namespace bookbot::transports::telegram {
namespace {

using testing::Fixture;
using testing::kReceivedAt;
using Kind = ParsedUpdate::Kind;

ParsedUpdate ParseFixture(const std::string& name) {
    return ParseUpdate(Fixture(name), kReceivedAt);
}

// Asserts `u` is an inbound of `kind` with `payload`.
void CheckInbound(const ParsedUpdate& u, core::Inbound::Kind kind, std::string_view payload) {
    REQUIRE(u.kind == Kind::kInbound);
    CHECK(u.inbound.kind == kind);
    CHECK(u.inbound.payload == payload);
}

// A private-chat update around `message` (JSON text).
std::string PrivateMessage(const std::string& fields) {
    return R"({"update_id":7,"message":{"message_id":3,"from":{"id":42},)"
           R"("chat":{"id":42,"type":"private"},"date":1767261600)" +
           (fields.empty() ? std::string() : "," + fields) + "}}";
}

TEST_CASE("a text message in a private chat is a text inbound", "[telegram][codec]") {
    const ParsedUpdate u = ParseFixture("text_message.json");
    CheckInbound(u, core::Inbound::Kind::kText, "Quero marcar um corte amanhã 💇");
    CHECK(u.update_id == 912345601);
    CHECK(u.inbound.platform == "telegram");
    CHECK(u.inbound.external_id == "912345601");
    CHECK(u.inbound.user_id == "5123456789");
    CHECK(u.inbound.chat_id == "5123456789");
    CHECK(u.inbound.at == kReceivedAt);
    CHECK(u.inbound.origin_message_id.empty());
    CHECK(u.callback_query_id.empty());
}

TEST_CASE("/start arrives as its text", "[telegram][codec]") {
    const ParsedUpdate u = ParseFixture("start_command.json");
    CheckInbound(u, core::Inbound::Kind::kText, "/start");
    CHECK(u.inbound.external_id == "912345600");
}

TEST_CASE("a button press carries its data, message and callback id", "[telegram][codec]") {
    const ParsedUpdate u = ParseFixture("callback_query.json");
    CheckInbound(u, core::Inbound::Kind::kButton, "svc:cut");
    CHECK(u.inbound.origin_message_id == "1028");
    CHECK(u.inbound.user_id == "5123456789");
    CHECK(u.inbound.chat_id == "5123456789");
    CHECK(u.callback_query_id == "4382bfdwdsb323b2d9");
}

TEST_CASE("a photo or a sticker is unsupported, named by kind", "[telegram][codec]") {
    const ParsedUpdate photo = ParseFixture("photo_private.json");
    CheckInbound(photo, core::Inbound::Kind::kUnsupported, "photo");
    CHECK(photo.inbound.chat_id == "5123456789");
    CheckInbound(ParseFixture("sticker.json"), core::Inbound::Kind::kUnsupported, "sticker");

    for (const std::string kind : {"voice", "document", "location", "video_note"}) {
        const ParsedUpdate u = ParseUpdate(PrivateMessage("\"" + kind + "\":{}"), kReceivedAt);
        CheckInbound(u, core::Inbound::Kind::kUnsupported, kind);
    }
}

TEST_CASE("a service message in a private chat is ignored", "[telegram][codec]") {
    const ParsedUpdate u =
        ParseUpdate(PrivateMessage(R"("pinned_message":{"message_id":1})"), kReceivedAt);
    CHECK(u.kind == Kind::kIgnored);
    CHECK(u.reason == "service message");
    CHECK(u.update_id == 7);
}

TEST_CASE("edits, channel posts, groups and inline queries are ignored", "[telegram][codec]") {
    const auto ignored = [](const std::string& name, const std::string& reason) {
        const ParsedUpdate u = ParseFixture(name);
        INFO(name);
        CHECK(u.kind == Kind::kIgnored);
        CHECK(u.reason == reason);
        CHECK(u.update_id.has_value());
    };
    ignored("edited_message.json", "edited_message");
    ignored("channel_post.json", "channel_post");
    ignored("group_text.json", "supergroup chat");
    ignored("inline_query.json", "inline_query");

    const ParsedUpdate unknown =
        ParseUpdate(R"({"update_id":9,"some_future_update":{"x":1}})", kReceivedAt);
    CHECK(unknown.kind == Kind::kIgnored);
    CHECK(unknown.reason == "unknown update type");
}

TEST_CASE("a button in a group is ignored but can still be answered", "[telegram][codec]") {
    const ParsedUpdate u =
        ParseUpdate(R"({"update_id":5,"callback_query":{"id":"q1","from":{"id":42},)"
                    R"("message":{"message_id":3,"chat":{"id":-100,"type":"group"}},"data":"x"}})",
                    kReceivedAt);
    CHECK(u.kind == Kind::kIgnored);
    CHECK(u.reason == "group chat");
    CHECK(u.callback_query_id == "q1");
}

TEST_CASE("blocking and unblocking the bot are reported with the chat", "[telegram][codec]") {
    const ParsedUpdate blocked = ParseFixture("my_chat_member_kicked.json");
    CHECK(blocked.kind == Kind::kBlocked);
    CHECK(blocked.inbound.chat_id == "5123456789");
    CHECK(blocked.inbound.user_id == "5123456789");
    CHECK(blocked.inbound.external_id == "912345608");

    const ParsedUpdate unblocked = ParseFixture("my_chat_member_member.json");
    CHECK(unblocked.kind == Kind::kUnblocked);
    CHECK(unblocked.inbound.chat_id == "5123456789");
}

TEST_CASE("ids keep all 64 bits, negative chat ids included", "[telegram][codec]") {
    const ParsedUpdate u = ParseUpdate(
        R"({"update_id":9223372036854775807,"message":{"message_id":1,)"
        R"("from":{"id":9007199254740993},"chat":{"id":-9007199254740993,"type":"private"},)"
        R"("text":"x"}})",
        kReceivedAt);
    REQUIRE(u.kind == Kind::kInbound);
    CHECK(u.update_id == std::numeric_limits<std::int64_t>::max());
    CHECK(u.inbound.user_id == "9007199254740993");
    CHECK(u.inbound.chat_id == "-9007199254740993");
}

TEST_CASE("a body without a usable update_id is refused", "[telegram][codec]") {
    for (const std::string body :
         {"", "not json", "[]", "null", "42", R"("update_id")", R"({"message":{}})",
          R"({"update_id":"5"})", R"({"update_id":1.5})", R"({"update_id":-3})",
          R"({"update_id":null})", R"({"update_id":99999999999999999999999})",
          R"({"update_id":18446744073709551615})", R"({"update_id":1)"}) {
        INFO(body);
        CHECK_THROWS_AS(ParseUpdate(body, kReceivedAt), CodecError);
    }
}

TEST_CASE("invalid UTF-8 is refused without echoing the input", "[telegram][codec]") {
    const std::string body = PrivateMessage("\"text\":\"secret\xff\xfe\"");
    try {
        ParseUpdate(body, kReceivedAt);
        FAIL("parsed invalid UTF-8");
    } catch (const CodecError& e) {
        const std::string message = e.what();
        CHECK(message.find("not valid JSON") != std::string::npos);
        CHECK(message.find("secret") == std::string::npos);
    }
    CHECK_THROWS_AS(ParseUpdate(PrivateMessage(R"("text":"\ud800")"), kReceivedAt), CodecError);
}

TEST_CASE("deep nesting and oversized bodies are refused", "[telegram][codec]") {
    const auto nested = [](int depth) {
        return R"({"update_id":1,"x":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
    };
    CHECK_NOTHROW(ParseUpdate(nested(kMaxJsonDepth - 2), kReceivedAt));
    CHECK_NOTHROW(ParseUpdate(nested(kMaxJsonDepth - 1), kReceivedAt));  // 64 levels in all
    CHECK_THROWS_AS(ParseUpdate(nested(kMaxJsonDepth), kReceivedAt), CodecError);
    // Brackets, commas and escaped quotes inside a string are text, not nesting.
    const std::string text = std::string(200, '[') + R"(\\\" ,:{{)";  // JSON for \" ,:{{
    const ParsedUpdate quoted =
        ParseUpdate(PrivateMessage(R"("text":")" + text + R"(")"), kReceivedAt);
    CHECK(quoted.inbound.payload == std::string(200, '[') + R"(\" ,:{{)");
    CHECK_THROWS_AS(ParseUpdate(nested(100'000), kReceivedAt), CodecError);

    const std::string padding(kMaxUpdateBytes, ' ');
    CHECK_THROWS_WITH(ParseUpdate(R"({"update_id":1})" + padding, kReceivedAt),
                      Catch::Contains("exceed the limit"));
}

TEST_CASE("wrongly typed fields are ignored as malformed, never thrown", "[telegram][codec]") {
    const std::string cases[] = {
        R"({"update_id":1,"message":"text"})",
        R"({"update_id":1,"message":[1,2]})",
        R"({"update_id":1,"message":{"chat":null,"from":{"id":1},"text":"x"}})",
        R"({"update_id":1,"message":{"chat":{"id":"42","type":"private"},"from":{"id":1}}})",
        R"({"update_id":1,"message":{"chat":{"id":42,"type":7},"from":{"id":1}}})",
        R"({"update_id":1,"message":{"chat":{"id":42,"type":"private"},"from":[]}})",
        R"({"update_id":1,"message":{"chat":{"id":4.2,"type":"private"},"from":{"id":1}}})",
        R"({"update_id":1,"message":{"chat":{"id":1e300,"type":"private"},"from":{"id":1}}})",
        R"({"update_id":1,"message":{"chat":{"id":42,"type":"private"},"from":{"id":1},"text":7}})",
        R"({"update_id":1,"callback_query":{"id":5,"from":{"id":1}}})",
        R"({"update_id":1,"callback_query":{"id":"q","from":{"id":1},"message":{"message_id":"3",)"
        R"("chat":{"id":1,"type":"private"}},"data":"x"}})",
        R"({"update_id":1,"callback_query":{"id":"q","from":{"id":1},"message":{"message_id":3,)"
        R"("chat":{"id":1,"type":"private"}},"data":{"a":1}}})",
        R"({"update_id":1,"my_chat_member":{"chat":{"id":1,"type":"private"},"from":{"id":1},)"
        R"("new_chat_member":{"status":null}}})",
    };
    for (const std::string& body : cases) {
        INFO(body);
        ParsedUpdate u;
        REQUIRE_NOTHROW(u = ParseUpdate(body, kReceivedAt));
        CHECK(u.kind == Kind::kIgnored);
        CHECK(u.reason.rfind("malformed", 0) == 0);
        CHECK(u.update_id == 1);
    }
}

TEST_CASE("a getUpdates batch survives one malformed update", "[telegram][codec]") {
    const auto updates = ParseGetUpdates(Fixture("get_updates_batch.json"), kReceivedAt);
    REQUIRE(updates.size() == 4);
    CheckInbound(updates[0], core::Inbound::Kind::kText, "hi");
    CHECK(updates[1].kind == Kind::kIgnored);
    CHECK(updates[1].reason.rfind("malformed", 0) == 0);
    CHECK(updates[1].update_id == 912345612);
    CheckInbound(updates[2], core::Inbound::Kind::kButton, "day:2026-03-02");
    CHECK(updates[2].callback_query_id == "4382bfdwdsb323b2da");
    CHECK(updates[3].kind == Kind::kIgnored);
    CHECK(updates[3].reason == "malformed");
    CHECK_FALSE(updates[3].update_id.has_value());

    CHECK(NextOffset(updates, 0) == 912345614);
    CHECK(NextOffset(updates, 999'999'999) == 999'999'999);
    CHECK(NextOffset({}, 17) == 17);
}

TEST_CASE("a getUpdates batch item that is not an object is skipped", "[telegram][codec]") {
    const auto updates = ParseGetUpdates(
        R"({"ok":true,"result":[null,7,"x",[],{"update_id":3,"inline_query":{}}]})", kReceivedAt);
    REQUIRE(updates.size() == 5);
    for (int i = 0; i < 4; ++i) CHECK(updates[i].reason == "malformed");
    CHECK(updates[4].reason == "inline_query");
    CHECK(NextOffset(updates, 1) == 4);
}

TEST_CASE("a getUpdates error envelope or broken answer is an error", "[telegram][codec]") {
    CHECK_THROWS_WITH(
        ParseGetUpdates(R"({"ok":false,"error_code":409,"description":"Conflict: terminated by )"
                        R"(other getUpdates request"})",
                        kReceivedAt),
        Catch::Contains("409") && Catch::Contains("Conflict"));
    CHECK_THROWS_AS(ParseGetUpdates(R"({"ok":true,"result":{}})", kReceivedAt), CodecError);
    CHECK_THROWS_AS(ParseGetUpdates(R"({"result":[]})", kReceivedAt), CodecError);
    CHECK_THROWS_AS(ParseGetUpdates("<html>502</html>", kReceivedAt), CodecError);
    CHECK(ParseGetUpdates(R"({"ok":true,"result":[]})", kReceivedAt).empty());
}

TEST_CASE("ids as core carries them parse back to 64-bit integers", "[telegram][codec]") {
    CHECK(ParseId("5123456789") == 5123456789);
    CHECK(ParseId("-1001234567890") == -1001234567890);
    CHECK(ParseId("9223372036854775807") == std::numeric_limits<std::int64_t>::max());
    CHECK_FALSE(ParseId(""));
    CHECK_FALSE(ParseId("12a"));
    CHECK_FALSE(ParseId(" 12"));
    CHECK_FALSE(ParseId("+12"));
    CHECK_FALSE(ParseId("9223372036854775808"));
}

}  // namespace
}  // namespace bookbot::transports::telegram
