#include "logging.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace bookbot::app {
namespace {

using core::log::Field;
using core::log::Level;

TEST_CASE("text log lines are one line, key=value, quoted when needed", "[logging]") {
    const std::string line = FormatEvent(
        LogFormat::kText, "2026-11-25T10:00:00.000Z", Level::kWarn, "outbox.retry",
        {Field("chat", "42"), Field("error", "HTTP 502: bad\ngateway"), Field("attempts", 3)});
    CHECK(line ==
          "2026-11-25T10:00:00.000Z warn outbox.retry chat=42 error=\"HTTP 502: bad\\ngateway\" "
          "attempts=3");
}

TEST_CASE("json log lines parse, with numbers as numbers", "[logging]") {
    const std::string line = FormatEvent(
        LogFormat::kJson, "T", Level::kError, "store.error",
        {Field("kind", "unavailable"), Field("retries", 2), Field("text", "ünïcode \"quoted\"")});
    CHECK(line.find('\n') == std::string::npos);
    const auto json = nlohmann::json::parse(line);
    CHECK(json["level"] == "error");
    CHECK(json["event"] == "store.error");
    CHECK(json["retries"] == 2);
    CHECK(json["text"] == "ünïcode \"quoted\"");
}

TEST_CASE("registered secrets never reach a log line", "[logging]") {
    AddSecret("123456:ABC-token");
    AddSecret("");  // ignored, masks nothing
    CHECK(Redact("POST /bot123456:ABC-token/sendMessage failed; again 123456:ABC-token") ==
          "POST /bot***/sendMessage failed; again ***");
    CHECK(Redact("nothing secret") == "nothing secret");
}

TEST_CASE("log format and level names are checked", "[logging]") {
    CHECK(ParseLogFormat("json") == LogFormat::kJson);
    CHECK(ParseLogLevel("warn") == Level::kWarn);
    CHECK_THROWS_WITH(ParseLogFormat("xml"), Catch::Contains("allowed: text, json"));
    CHECK_THROWS_WITH(ParseLogLevel("loud"), Catch::Contains("allowed: debug, info"));
}

}  // namespace
}  // namespace bookbot::app
