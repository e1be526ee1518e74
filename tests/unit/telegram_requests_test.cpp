#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "bookbot/transports/telegram/api_result.hpp"
#include "bookbot/transports/telegram/codec.hpp"
#include "bookbot/transports/telegram/requests.hpp"
#include "bookbot/transports/telegram/secret.hpp"
#include "telegram_test_support.hpp"

namespace bookbot::transports::telegram {
namespace {

using nlohmann::json;
using testing::Fixture;

std::string Repeat(std::string_view piece, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += piece;
    return out;
}

core::Reply ReplyWithButtons() {
    core::Reply reply = core::Reply::Plain("Which service?");
    reply.keyboard = {{{"Haircut", "svc:cut"}, {"Beard", "svc:beard"}}, {}, {{"« Back", "back"}}};
    return reply;
}

TEST_CASE("sendMessage carries the chat id as an integer and the buttons", "[telegram][requests]") {
    const json body = json::parse(SendMessageBody(-1001234567890123, ReplyWithButtons()));
    CHECK(body["chat_id"].is_number_integer());
    CHECK(body["chat_id"].get<std::int64_t>() == -1001234567890123);
    CHECK(body["text"] == "Which service?");
    CHECK_FALSE(body.contains("parse_mode"));
    const json rows = body["reply_markup"]["inline_keyboard"];
    REQUIRE(rows.size() == 2);  // the empty row is dropped
    CHECK(rows[0][0] == json{{"text", "Haircut"}, {"callback_data", "svc:cut"}});
    CHECK(rows[0][1]["callback_data"] == "svc:beard");
    CHECK(rows[1][0] == json{{"text", "« Back"}, {"callback_data", "back"}});

    const json plain = json::parse(SendMessageBody(42, core::Reply::Plain("hi")));
    CHECK_FALSE(plain.contains("reply_markup"));
}

TEST_CASE("editMessageText names the message to replace", "[telegram][requests]") {
    const json body = json::parse(EditMessageTextBody(42, 1028, ReplyWithButtons()));
    CHECK(body["chat_id"] == 42);
    CHECK(body["message_id"] == 1028);
    CHECK(body["text"] == "Which service?");
    CHECK(body["reply_markup"]["inline_keyboard"].size() == 2);
}

TEST_CASE("callback_data must be 1 to 64 bytes of UTF-8", "[telegram][requests]") {
    core::Reply reply = core::Reply::Plain("x");
    reply.keyboard = {{{"ok", std::string(64, 'p')}}};
    const json body = json::parse(SendMessageBody(1, reply));
    CHECK(body["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == std::string(64, 'p'));

    reply.keyboard = {{{"too long", std::string(65, 'p')}}};
    CHECK_THROWS_AS(SendMessageBody(1, reply), std::length_error);
    reply.keyboard = {{{"empty", ""}}};
    CHECK_THROWS_AS(EditMessageTextBody(1, 2, reply), std::length_error);
    reply.keyboard = {{{"bytes", "a\xff"}}};
    CHECK_THROWS_AS(SendMessageBody(1, reply), std::invalid_argument);
}

TEST_CASE("long text is cut to 4096 UTF-16 units on a code point boundary", "[telegram][text]") {
    const std::string exact(kMaxMessageText, 'a');
    CHECK(FitText(exact) == exact);

    const std::string cut = FitText(exact + "b");
    CHECK(cut == std::string(kMaxMessageText - 1, 'a') + "…");
    CHECK(Utf16Length(cut) == kMaxMessageText);

    // 😀 is one code point but two UTF-16 units: 2048 of them fill the limit.
    const std::string emoji = "😀";
    CHECK(Utf16Length(emoji) == 2);
    CHECK(FitText(Repeat(emoji, 2048)) == Repeat(emoji, 2048));
    const std::string over = FitText(Repeat(emoji, 2049));
    CHECK(over == Repeat(emoji, 2047) + "…");  // 4094 + 1 units: no half emoji
    CHECK(Utf16Length(over) == 4095);

    // With one BMP character in front the cut falls exactly at the limit.
    const std::string shifted = FitText("é" + Repeat(emoji, 2048));
    CHECK(shifted == "é" + Repeat(emoji, 2047) + "…");
    CHECK(Utf16Length(shifted) == kMaxMessageText);

    // The body carries the cut text.
    const json body = json::parse(SendMessageBody(1, core::Reply::Plain(Repeat(emoji, 3000))));
    CHECK(Utf16Length(body["text"].get<std::string>()) <= kMaxMessageText);
}

TEST_CASE("empty text is never sent and invalid UTF-8 is replaced", "[telegram][text]") {
    CHECK(FitText("") == kEmptyTextPlaceholder);
    CHECK(FitText(" \n\t") == kEmptyTextPlaceholder);
    CHECK(json::parse(SendMessageBody(1, core::Reply::Plain("")))["text"] == "…");
    CHECK(FitText("a\xff"
                  "b") ==
          "a\xEF\xBF\xBD"
          "b");
    CHECK(FitText("\xF0\x9F\x98") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // cut emoji
    CHECK(FitText("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong "/"
    CHECK(FitText("\xED\xA0\x80").find("\xED") == std::string::npos);          // a surrogate
}

TEST_CASE("answerCallbackQuery text is optional and short", "[telegram][requests]") {
    CHECK(json::parse(AnswerCallbackQueryBody("q1")) == json{{"callback_query_id", "q1"}});
    CHECK_FALSE(json::parse(AnswerCallbackQueryBody("q1", "  ")).contains("text"));
    const json body = json::parse(AnswerCallbackQueryBody("q1", std::string(500, 'x')));
    CHECK(Utf16Length(body["text"].get<std::string>()) == kMaxCallbackAnswerText);
}

TEST_CASE("webhook and polling bodies", "[telegram][requests]") {
    WebhookSettings settings;
    settings.url = "https://bot.example.com/telegram";
    settings.secret_token = "s3cr3t_-TOKEN";
    settings.drop_pending_updates = true;
    const json set = json::parse(SetWebhookBody(settings));
    CHECK(set["url"] == "https://bot.example.com/telegram");
    CHECK(set["secret_token"] == "s3cr3t_-TOKEN");
    CHECK(set["drop_pending_updates"] == true);
    CHECK(set["allowed_updates"] == json{"message", "callback_query", "my_chat_member"});

    settings.secret_token = "has space";
    CHECK_THROWS_WITH(SetWebhookBody(settings), !Catch::Contains("has space"));
    settings.secret_token = "ok";
    settings.url.clear();
    CHECK_THROWS_AS(SetWebhookBody(settings), std::invalid_argument);

    CHECK(json::parse(DeleteWebhookBody(false)) == json{{"drop_pending_updates", false}});

    const json poll = json::parse(GetUpdatesBody(912345612, 90, 1000, {"message"}));
    CHECK(poll["offset"] == 912345612);
    CHECK(poll["timeout"] == kMaxLongPollSeconds);
    CHECK(poll["limit"] == 100);
    CHECK(poll["allowed_updates"] == json{"message"});
    const json low = json::parse(GetUpdatesBody(0, -5, 0, {}));
    CHECK(low["timeout"] == 0);
    CHECK(low["limit"] == 1);
}

TEST_CASE("setMyCommands carries the menu and refuses what Telegram would",
          "[telegram][requests]") {
    const std::vector<core::CommandEntry> menu = {{"start", "Hello"}, {"book", "Termin buchen"}};
    CHECK(json::parse(SetMyCommandsBody(menu)) ==
          json{{"commands",
                {{{"command", "start"}, {"description", "Hello"}},
                 {{"command", "book"}, {"description", "Termin buchen"}}}}});
    CHECK_NOTHROW(SetMyCommandsBody({{"help", Repeat("é", 256)}}));  // characters, not bytes
    CHECK_THROWS_AS(SetMyCommandsBody({}), std::invalid_argument);
    for (const core::CommandEntry& bad :
         std::vector<core::CommandEntry>{{"", "x"},
                                         {"Book", "x"},
                                         {"book-now", "x"},
                                         {std::string(33, 'a'), "x"},
                                         {"book", ""},
                                         {"book", Repeat("é", 257)},
                                         {"book", "\xff"}}) {
        CAPTURE(bad.command, bad.description);
        CHECK_THROWS_AS(SetMyCommandsBody({bad}), std::invalid_argument);
    }
}

TEST_CASE("Bot API error bodies are read with their parameters", "[telegram][api]") {
    const ApiResult flood = ParseApiResult(429, Fixture("error_429.json"));
    CHECK_FALSE(flood.ok);
    CHECK(flood.error_code == 429);
    CHECK(flood.retry_after == 35);
    CHECK(flood.description == "Too Many Requests: retry after 35");

    const ApiResult blocked = ParseApiResult(403, Fixture("error_403_blocked.json"));
    CHECK(blocked.error_code == 403);
    CHECK(blocked.description == "Forbidden: bot was blocked by the user");
    CHECK_FALSE(blocked.retry_after);

    const ApiResult same = ParseApiResult(400, Fixture("error_400_not_modified.json"));
    CHECK(same.error_code == 400);
    CHECK(same.description.rfind("Bad Request: message is not modified", 0) == 0);

    const ApiResult migrated = ParseApiResult(
        400,
        R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was )"
        R"(upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234567890}})");
    CHECK(migrated.migrate_to_chat_id == -1001234567890);
}

TEST_CASE("an answer that is not Bot API JSON is an error, never thrown", "[telegram][api]") {
    const std::string html = "<html><body>502 Bad Gateway /bot123:SECRET/sendMessage</body></html>";
    const ApiResult proxy = ParseApiResult(502, html);
    CHECK_FALSE(proxy.ok);
    CHECK(proxy.error_code == 502);
    CHECK(proxy.description.find("not Bot API JSON") != std::string::npos);
    CHECK(proxy.description.find("SECRET") == std::string::npos);

    const std::vector<std::string> bodies = {"",
                                             "null",
                                             "[]",
                                             R"({"ok":"yes"})",
                                             "{\"ok\":true",
                                             std::string(70, '[') + std::string(70, ']')};
    for (const std::string& body : bodies) {
        INFO(body);
        const ApiResult r = ParseApiResult(200, body);
        CHECK_FALSE(r.ok);
        CHECK(r.error_code == 200);
    }
    const ApiResult odd = ParseApiResult(
        500, R"({"ok":false,"error_code":"500","description":7,"parameters":{"retry_after":"x"}})");
    CHECK(odd.error_code == 500);
    CHECK(odd.description == "HTTP 500");
    CHECK_FALSE(odd.retry_after);
    CHECK_FALSE(ParseApiResult(500, R"({"ok":true,"result":true})").ok);
}

// ParseApiResult reads the members it needs while the parser walks the
// answer (no tree): the same values as reading a tree must come out.
TEST_CASE("an answer's members are read by their place, the last of a name counting",
          "[telegram][api]") {
    // Only members of the top object (and of its result / parameters) count.
    CHECK_FALSE(ParseApiResult(200, R"([{"ok":true}])").ok);
    CHECK_FALSE(ParseApiResult(200, R"({"x":{"ok":true}})").ok);
    CHECK_FALSE(ParseApiResult(200, R"({"ok":true,"result":[{"message_id":5}]})").message_id);
    CHECK_FALSE(
        ParseApiResult(200, R"({"ok":true,"result":{"chat":{"message_id":5}}})").message_id);
    CHECK(ParseApiResult(200, R"({"result":{"chat":{"id":1},"message_id":5},"ok":true})")
              .message_id == 5);
    // Named twice: the last one counts, whatever the first one was.
    CHECK_FALSE(ParseApiResult(200, R"({"ok":true,"ok":"yes"})").ok);
    CHECK(ParseApiResult(200, R"({"ok":false,"ok":true})").ok);
    CHECK_FALSE(
        ParseApiResult(200, R"({"ok":true,"result":{"message_id":5},"result":true})").message_id);
    CHECK(
        ParseApiResult(200, R"({"ok":true,"result":{"message_id":5,"message_id":6}})").message_id ==
        6);
    const ApiResult twice = ParseApiResult(
        429, R"({"ok":false,"error_code":429,"description":"a","description":{"b":1},)"
             R"("parameters":{"retry_after":9},"parameters":{"migrate_to_chat_id":-5}})");
    CHECK(twice.error_code == 429);
    CHECK(twice.description == "HTTP 429");
    CHECK_FALSE(twice.retry_after);
    CHECK(twice.migrate_to_chat_id == -5);
    // Numbers: integers only, within int64.
    CHECK_FALSE(ParseApiResult(200, R"({"ok":true,"result":{"message_id":5.0}})").message_id);
    CHECK_FALSE(ParseApiResult(200, R"({"ok":true,"result":{"message_id":9223372036854775808}})")
                    .message_id);
    CHECK(ParseApiResult(200, R"({"ok":true,"result":{"message_id":9223372036854775807}})")
              .message_id == 9223372036854775807);
}

TEST_CASE("ok answers and their results", "[telegram][api]") {
    const ApiResult sent = ParseApiResult(
        200, R"({"ok":true,"result":{"message_id":1029,"chat":{"id":1,"type":"private"}}})");
    REQUIRE(sent.ok);
    CHECK(sent.message_id == 1029);
    CHECK(ResultJson(sent.answer) == R"({"chat":{"id":1,"type":"private"},"message_id":1029})");
    const ApiResult edited = ParseApiResult(200, R"({"ok":true,"result":true})");
    REQUIRE(edited.ok);
    CHECK_FALSE(edited.message_id);
    CHECK(ResultJson(edited.answer) == "true");

    const BotUser me = ParseBotUser(
        R"({"id":7000000001,"is_bot":true,"first_name":"Salon Bot","username":"salon_booking_bot"})");
    CHECK(me.id == 7000000001);
    CHECK(me.username == "salon_booking_bot");
    CHECK_THROWS_AS(ParseBotUser(R"({"id":"7"})"), CodecError);

    const WebhookInfo info = ParseWebhookInfo(
        R"({"url":"https://bot.example.com/telegram","has_custom_certificate":false,)"
        R"("pending_update_count":3,"last_error_date":1767261600,"last_error_message":)"
        R"("Wrong response from the webhook: 503 Service Unavailable","max_connections":40,)"
        R"("ip_address":"203.0.113.5","allowed_updates":["message","callback_query"]})");
    CHECK(info.url == "https://bot.example.com/telegram");
    CHECK(info.pending_update_count == 3);
    CHECK(info.last_error_date == core::FromEpochMillis(1'767'261'600'000));
    CHECK(info.last_error_message == "Wrong response from the webhook: 503 Service Unavailable");
    CHECK(info.max_connections == 40);
    CHECK(info.allowed_updates.size() == 2);
    CHECK_FALSE(info.last_synchronization_error_date);
    CHECK_THROWS_AS(ParseWebhookInfo(R"({"url":""})"), CodecError);
}

TEST_CASE("the secret header is compared in full", "[telegram][secret]") {
    CHECK(SecretMatches("s3cr3t_-TOKEN", "s3cr3t_-TOKEN"));
    CHECK_FALSE(SecretMatches("s3cr3t_-TOKEN", "s3cr3t_-TOKEn"));
    CHECK_FALSE(SecretMatches("s3cr3t_-TOKEN", "X3cr3t_-TOKEN"));
    CHECK_FALSE(SecretMatches("s3cr3t_-TOKEN", "s3cr3t_-TOKEN_"));  // a longer guess
    CHECK_FALSE(SecretMatches("s3cr3t_-TOKEN", "s3cr3t"));          // a prefix
    CHECK_FALSE(SecretMatches("abc", "abcabc"));                    // the cycle repeated
    CHECK_FALSE(SecretMatches("s3cr3t_-TOKEN", ""));
    CHECK_FALSE(SecretMatches("", ""));  // no secret configured matches nothing
    CHECK_FALSE(SecretMatches("", "anything"));
}

TEST_CASE("secret tokens follow Telegram's alphabet and length", "[telegram][secret]") {
    CHECK(ValidSecretToken("a"));
    CHECK(ValidSecretToken("AZaz09_-"));
    CHECK(ValidSecretToken(std::string(256, 'x')));
    CHECK_FALSE(ValidSecretToken(""));
    CHECK_FALSE(ValidSecretToken(std::string(257, 'x')));
    CHECK_FALSE(ValidSecretToken("with space"));
    CHECK_FALSE(ValidSecretToken("dot."));
    CHECK_FALSE(ValidSecretToken("ümlaut"));
}

}  // namespace
}  // namespace bookbot::transports::telegram
