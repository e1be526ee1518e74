// `bookbot serve` against what the reliability battery threw at it: hostile
// numbers, forged webhooks, storage that stops taking writes, a shutdown with
// handlers blocked on a lock. Per backend where the fault is not SQLite's alone.

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
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
        RawMessage("7001", "42", "1e400"),                      // date beyond double
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

// A figure from /proc/<pid>/status ("VmHWM", "VmRSS"), in KiB.
long StatusKiB(pid_t pid, const std::string& field) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
    }
    return -1;
}

// 1 MiB of JSON that is cheap to send and dear to turn into a tree.
std::string HostileBody(bool arrays) {
    constexpr std::size_t kBytes = 1024 * 1024;
    std::string body = R"({"update_id":1,"x":)";
    if (arrays) {
        body += "[";
        while (body.size() + 6 < kBytes) body += "[],";
        body += "[]]}";
    } else {
        body += "{";
        for (int i = 0; body.size() + 16 < kBytes; ++i) body += "\"" + std::to_string(i) + "\":0,";
        body += R"("end":0}})";
    }
    return body;
}

TEST_CASE("64 concurrent 1 MiB hostile bodies stay within 64 MiB of peak RSS",
          "[serve][hostile][memory]") {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    // The sanitizers' shadow memory (and ASan's quarantine) are what this
    // would measure (peak ~700 MiB under ASan), and their slowness times the
    // clients out: the plain pass checks the budget.
    WARN("memory budget not checked under a sanitizer");
    return;
#endif
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    Serve serve(db->Url(), api, Mode::kWebhook);
    const pid_t pid = serve.process().Pid();
    const long idle = StatusKiB(pid, "VmRSS");
    for (const bool arrays : {true, false}) {
        const std::string body = HostileBody(arrays);
        std::vector<std::thread> senders;
        std::atomic<int> ok{0};
        for (int i = 0; i < 64; ++i) {
            senders.emplace_back([&] {
                try {
                    transports::http::ClientOptions options;
                    options.headers = {{"X-Telegram-Bot-Api-Secret-Token", kWebhookSecret}};
                    transports::http::Client client(
                        "http://127.0.0.1:" + std::to_string(serve.port()), options);
                    if (client.Post("/telegram/webhook", "application/json", body).status == 200) {
                        ++ok;
                    }
                } catch (const std::exception&) {
                }
            });
        }
        for (auto& t : senders) t.join();
        CHECK(ok == 64);
    }
    const long peak = StatusKiB(pid, "VmHWM");
    const long after = StatusKiB(pid, "VmRSS");
    std::cout << "64 concurrent 1 MiB hostile bodies (" << TestDatabase::Backend() << "): RSS idle "
              << idle / 1024 << " MiB, peak " << peak / 1024 << " MiB, after " << after / 1024
              << " MiB\n";
    CHECK(peak <= 64 * 1024);
    CHECK(serve.Get("/healthz").status == 200);
}

}  // namespace
}  // namespace bookbot::testing
