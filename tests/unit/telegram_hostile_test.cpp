// Hostile JSON at every place the Telegram transport parses: webhook bodies,
// getUpdates answers, and the Bot API's answers. Each must come out as the
// codec's own CodecError (or a not-ok ApiResult), never as a JSON library
// exception that would turn into a 500 or end a thread.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "bookbot/transports/telegram/api_result.hpp"
#include "bookbot/transports/telegram/codec.hpp"
#include "telegram_test_support.hpp"

namespace bookbot::transports::telegram {
namespace {

using testing::kReceivedAt;

// A private text message around numbers given as raw JSON text.
std::string Message(const std::string& update_id, const std::string& chat_id,
                    const std::string& date) {
    return R"({"update_id":)" + update_id + R"(,"message":{"message_id":3,"from":{"id":)" +
           chat_id + R"(},"chat":{"id":)" + chat_id + R"(,"type":"private"},"date":)" + date +
           R"(,"text":"hi"}})";
}

std::vector<std::string> HostileNumbers() {
    return {
        "9223372036854775808",        // 2^63
        "18446744073709551616",       // 2^64
        "1e400",                      // beyond double
        "-1e400",                     //
        std::string(1'000'000, '7'),  // a million digits
        "1" + std::string(400, '0') + ".5",
    };
}

// Any exception but CodecError fails the test, naming what was thrown.
template <typename F>
void ExpectCodecErrorOrValue(F&& parse) {
    try {
        parse();
    } catch (const CodecError&) {
    }
}

TEST_CASE("numbers too large for their field never escape the codec as JSON errors",
          "[telegram][codec][hostile]") {
    std::vector<std::string> bodies;
    for (const std::string& n : HostileNumbers()) {
        bodies.push_back(Message(n, "42", "1767261600"));
        bodies.push_back(Message("7", n, "1767261600"));
        bodies.push_back(Message("7", "42", n));
        bodies.push_back("[" + n + "]");
        bodies.push_back(R"({"update_id":7,"x":[)" + n + "]}");
    }
    for (const std::string& body : bodies) {
        INFO(body.substr(0, 120));
        ExpectCodecErrorOrValue([&] { ParseUpdate(body, kReceivedAt); });
        ExpectCodecErrorOrValue(
            [&] { ParseGetUpdates(R"({"ok":true,"result":[)" + body + "]}", kReceivedAt); });
        ApiResult answer;
        REQUIRE_NOTHROW(answer = ParseApiResult(200, R"({"ok":true,"result":)" + body + "}"));
        ExpectCodecErrorOrValue([&] { ParseBotUser(body); });
        ExpectCodecErrorOrValue([&] { ParseWebhookInfo(body); });
        if (answer.ok) REQUIRE_NOTHROW(ResultJson(answer.answer));
    }
    CHECK_THROWS_AS(ParseUpdate(Message("7", "42", "1e400"), kReceivedAt), CodecError);
    CHECK_THROWS_AS(ParseGetUpdates(R"({"ok":true,"result":[1e400]})", kReceivedAt), CodecError);
    CHECK_FALSE(ParseApiResult(200, R"({"ok":true,"result":[1e400]})").ok);
}

TEST_CASE("ids of 2^53 + 1 keep every bit", "[telegram][codec][hostile]") {
    const ParsedUpdate u =
        ParseUpdate(Message("9007199254740993", "9007199254740993", "1767261600"), kReceivedAt);
    REQUIRE(u.kind == ParsedUpdate::Kind::kInbound);
    CHECK(u.update_id == 9007199254740993);
    CHECK(u.inbound.chat_id == "9007199254740993");
}

TEST_CASE("a body of a million values is refused before it becomes a large tree",
          "[telegram][codec][hostile]") {
    // 1 MiB of empty arrays: as a tree, ~350,000 vectors (tens of MiB).
    std::string arrays = R"({"update_id":1,"x":[)";
    while (arrays.size() + 8 < kMaxUpdateBytes) arrays += "[],";
    arrays += "[]]}";
    CHECK_THROWS_WITH(ParseUpdate(arrays, kReceivedAt), Catch::Contains("JSON values"));

    std::string keys = R"({"update_id":1)";
    for (int i = 0; keys.size() + 16 < kMaxUpdateBytes; ++i)
        keys += ",\"" + std::to_string(i) + "\":0";
    keys += "}";
    CHECK_THROWS_WITH(ParseUpdate(keys, kReceivedAt), Catch::Contains("JSON values"));

    // A real update is far below the budget.
    CHECK_NOTHROW(ParseUpdate(Message("7", "42", "1767261600"), kReceivedAt));
}

}  // namespace
}  // namespace bookbot::transports::telegram
