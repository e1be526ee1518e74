// A measurement, not a check run by CI (hidden tag): how many replies a
// crash (kill -9) of `bookbot serve` in the middle of sending makes go out
// twice. Delivery is at least once; this shows the residual rate that
// README's "Running it as a Telegram bot" quotes.
//   serve_tests "[.crash-duplicates]" -s   (BOOKBOT_TEST_BACKEND picks the store)

#include <catch2/catch.hpp>
#include <csignal>

#include "bookbot/backends/open_store.hpp"
#include "bookbot/core/store.hpp"
#include "telegram_harness.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

TEST_CASE("kill -9 while sending: replies sent twice", "[.crash-duplicates]") {
    constexpr int kKills = 10;
    constexpr int kUsersPerKill = 30;
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken, 16);
    // A short send timeout keeps the lease (2 × timeout + 5 s) short.
    const std::vector<std::string> args = {"--telegram-timeout", "1"};
    std::vector<User> users;
    std::int64_t next_user = 7300000000;
    for (int kill = 0; kill < kKills; ++kill) {
        Serve serve(db->Url(), api, Serve::Mode::kWebhook, args);
        const std::size_t before = api.Calls("sendMessage");
        for (int i = 0; i < kUsersPerKill; ++i) {
            users.emplace_back(api, next_user++);
            REQUIRE(serve.Post(users.back().Text("/start")).status == 200);
        }
        // Killed while the greetings are going out.
        REQUIRE(
            api.WaitUntil([&] { return api.Calls("sendMessage") >= before + kUsersPerKill / 2; }));
        serve.process().Signal(SIGKILL);
        serve.process().Wait();
    }
    // One last instance sends what is left, then stops cleanly.
    Serve last(db->Url(), api, Serve::Mode::kWebhook, args);
    REQUIRE(api.WaitUntil(
        [&] {
            for (const User& user : users) {
                if (user.Messages().empty()) return false;
            }
            return true;
        },
        std::chrono::seconds(60)));
    last.process().Signal(SIGTERM);
    CHECK(last.process().Wait() == 0);

    int duplicated = 0;
    for (const User& user : users) {
        CHECK(!user.Messages().empty());  // nothing lost
        if (user.Messages().size() > 1) ++duplicated;
    }
    const std::size_t replies = users.size();
    WARN("kill -9 during sends: " << kKills << " kills, " << replies << " greetings, "
                                  << api.Calls("sendMessage") << " sendMessage calls, "
                                  << duplicated << " chats got a duplicate ("
                                  << static_cast<double>(duplicated) / kKills << " per kill)");
}

}  // namespace
}  // namespace bookbot::testing
