// `bookbot serve` against what the reliability battery threw at it: hostile
// numbers, forged webhooks, storage that stops taking writes, a shutdown with
// handlers blocked on a lock. Per backend where the fault is not SQLite's alone.

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "telegram_harness.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

using Mode = Serve::Mode;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::size_t CountLines(const std::string& output, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = output.find(needle); at != std::string::npos;
         at = output.find(needle, at + 1)) {
        ++n;
    }
    return n;
}

// A private text message whose numbers are given as raw JSON text.
std::string RawMessage(const std::string& update_id, const std::string& user,
                       const std::string& date) {
    return R"({"update_id":)" + update_id + R"(,"message":{"message_id":3,"from":{"id":)" + user +
           R"(},"chat":{"id":)" + user + R"(,"type":"private"},"date":)" + date +
           R"(,"text":"/start"}})";
}

TEST_CASE("an authenticated body that cannot be an update gets 200, a counter and one warning",
          "[serve][hostile]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    Serve serve(db->Url(), api, Mode::kWebhook);

    const std::vector<std::string> bodies = {
        RawMessage("9223372036854775808", "42", "1767261600"),  // update_id 2^63
        RawMessage("7001", "42", "1e400"),                       // date beyond double
        RawMessage("1e400", "42", "1767261600"),
        RawMessage(std::string(1'000'000, '9'), "42", "1767261600"),  // a million digits
        "[1e400]",
        "{not json",
        R"({"message":{}})",  // no update_id
    };
    for (const std::string& body : bodies) {
        INFO(body.substr(0, 80));
        CHECK(serve.Post(body).status == 200);
    }
    const std::string metrics = serve.Get("/metrics").body;
    CHECK(metrics.find(R"(bookbot_updates_total{transport="telegram",outcome="unplaceable"} 7)") !=
          std::string::npos);
    CHECK(metrics.find("status=\"5") == std::string::npos);
    // One warning, with a bounded copy of the body, for the whole burst.
    const std::string output = serve.process().Output();
    CHECK(CountLines(output, "telegram.webhook_unplaceable_update") == 1);
    CHECK(output.find("9223372036854775808") != std::string::npos);
    CHECK(api.MessagesSent() == 0);

    // Ids of 2^53 + 1 keep every bit.
    User big(api, 9007199254740993);
    REQUIRE(serve.Post(big.Text("/start")).status == 200);
    CHECK(big.WaitFor("What would you like to do?"));
}

TEST_CASE("a flood of forged webhooks is refused with a bounded number of log lines",
          "[serve][hostile]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    Serve serve(db->Url(), api, Mode::kWebhook);
    User eve(api, 666);
    const auto start = Clock::now();
    for (int i = 0; i < 200; ++i) {
        CHECK(serve.Post(eve.Text("/start"), i % 2 == 0 ? "" : "forged").status / 100 == 4);
    }
    const auto intervals = 1 + (Clock::now() - start) / 10s;
    CHECK(CountLines(serve.process().Output(), "telegram.webhook_rejected") <=
          static_cast<std::size_t>(intervals));
    CHECK(api.MessagesSent() == 0);
}

}  // namespace
}  // namespace bookbot::testing
