// `bookbot serve` with long polling: the offset is stored and only moves
// after a batch committed.

#include <catch2/catch.hpp>
#include <csignal>
#include <nlohmann/json.hpp>

#include "telegram_harness.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

using Mode = Serve::Mode;

// Queues an update for getUpdates; the update_id is read back from the JSON.
void Queue(FakeBotApi& api, const std::string& update) {
    const auto at = update.find("\"update_id\":");
    api.QueueUpdate(update, std::stoll(update.substr(at + 12)));
}

TEST_CASE("a customer books by long polling, and the offset survives a restart",
          "[serve][polling]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    User ana(api, 31);
    std::int64_t last_id = 0;
    {
        // A short send timeout keeps the claim lease short (see serve_test.cpp).
        Serve serve(db->Url(), api, Mode::kPolling, {"--telegram-timeout", "2"});
        Queue(api, ana.Text("/start"));
        REQUIRE(ana.WaitFor("What would you like to do?"));
        const std::string press = ana.Press("Book an appointment");
        Queue(api, press);
        REQUIRE(ana.WaitFor("Which service"));
        last_id = std::stoll(press.substr(press.find("\"update_id\":") + 12));
        // The bot confirms what it handled by asking for the next offset.
        REQUIRE(api.WaitUntil([&] { return api.ConfirmedOffset() == last_id + 1; }));
        serve.process().Signal(SIGKILL);
        serve.process().Wait();
    }
    Serve again(db->Url(), api, Mode::kPolling, {"--telegram-timeout", "2"});
    Queue(api, ana.Press("Haircut"));
    REQUIRE(ana.WaitFor("Which day"));
    Queue(api, ana.PressNth(0));
    REQUIRE(ana.WaitFor("Which time"));
    Queue(api, ana.PressNth(0));
    REQUIRE(ana.WaitFor("Book Haircut on"));
    const std::string yes = ana.Press("Yes");
    Queue(api, yes);
    CHECK(ana.WaitFor("Booked: Haircut"));
    // Polling has no reply to carry the answer: the press is answered by a
    // Bot API request of its own.
    const auto yes_id = nlohmann::json::parse(yes)["callback_query"]["id"].get<std::string>();
    CHECK(api.WaitUntil([&] { return api.TimesAnswered(yes_id) == 1; }));
    CHECK(api.WebhookReplies("answerCallbackQuery") == 0);
    CHECK(ana.WaitForMessages(2));
    // Nothing was handled twice: one greeting, edited five times, and the menu.
    CHECK(api.MessagesSent() == 2);
    CHECK(ana.Messages().at(0).edits == 5);
}

TEST_CASE("a 409 from getUpdates is logged clearly and polling recovers", "[serve][polling]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    api.SetPollingConflict(true);
    Serve serve(db->Url(), api, Mode::kPolling);
    const auto line =
        serve.process().WaitForLine("telegram.poll_conflict", std::chrono::seconds(20));
    REQUIRE(line);
    CHECK(line->find("delete-webhook") != std::string::npos);
    CHECK(line->find(kBotToken) == std::string::npos);
    api.SetPollingConflict(false);
    User ana(api, 32);
    Queue(api, ana.Text("/start"));
    CHECK(ana.WaitFor("What would you like to do?"));
}

}  // namespace
}  // namespace bookbot::testing
