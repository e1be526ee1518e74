// `bookbot serve` as Telegram sees it: webhook in, Bot API out, on SQLite and
// PostgreSQL (see CMakeLists.txt for which entries run which tags).

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "bookbot/backends/open_store.hpp"
#include "bookbot/core/store.hpp"
#include "telegram_harness.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

using Mode = Serve::Mode;

struct Counts {
    std::int64_t outbox = 0;
    std::int64_t bookings = 0;
    bool session = false;
};

Counts CountsFor(const std::string& url, std::int64_t user) {
    auto store = backends::OpenStore(url);
    Counts c;
    store->Read([&](core::UnitOfWork& u) {
        c.outbox =
            u.CountOutbox(core::OutboxStatus::kPending) + u.CountOutbox(core::OutboxStatus::kSent);
        const core::TimePoint now = core::SystemClock().Now();
        c.bookings = static_cast<std::int64_t>(
            u.UpcomingBookings({"telegram", std::to_string(user)}, now).size());
        c.session = u.LoadSession({"telegram", std::to_string(user)}, now).session.has_value();
    });
    return c;
}

TEST_CASE("a customer books by webhook; each press edits the message it was on",
          "[serve][webhook]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    Serve serve(db->Url(), api, Mode::kWebhook);
    User ana(api, 5123456789);

    const std::string booked = BookFirstFreeTime(serve, ana);
    CHECK(booked.find("Booked: Haircut on") != std::string::npos);
    const auto messages = ana.Messages();
    REQUIRE(messages.size() == 2);  // the greeting, edited step by step, then the menu again
    CHECK(messages[0].edits == 5);
    CHECK(messages[0].text.find("Booked: Haircut") == 0);
    CHECK(messages[1].text.find("What would you like to do?") != std::string::npos);
    CHECK(CountsFor(db->Url(), ana.id()).bookings == 1);
    // Every press was answered, so no button keeps spinning: in the
    // webhook's reply, with no Bot API request of its own.
    CHECK(api.CallbacksAnswered() == 5);
    CHECK(api.WebhookReplies("answerCallbackQuery") == 5);
    CHECK(api.Calls("answerCallbackQuery") == 0);

    const auto metrics = serve.Get("/metrics");
    CHECK(metrics.status == 200);
    CHECK(
        metrics.body.find("bookbot_updates_total{transport=\"telegram\",outcome=\"handled\"} 6") !=
        std::string::npos);
    CHECK(serve.Get("/readyz").status == 200);
    CHECK(serve.Get("/healthz").body == "ok\n");
}

TEST_CASE("a webhook without the right secret is refused and writes nothing", "[serve][webhook]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    Serve serve(db->Url(), api, Mode::kWebhook);
    User eve(api, 666);

    CHECK(serve.Post(eve.Text("/start"), "").status == 401);
    CHECK(serve.Post(eve.Text("/start"), "wrong-secret").status == 403);
    CHECK(serve.Post(eve.Text("/start"), std::string(kWebhookSecret) + "x").status == 403);
    // Authenticated but not an update: acknowledged (never redelivered), not acted on.
    CHECK(serve.Post("{not json", kWebhookSecret).status == 200);
    CHECK(serve.Post(R"({"message":{}})", kWebhookSecret).status == 200);  // no update_id

    const Counts counts = CountsFor(db->Url(), eve.id());
    CHECK(counts.outbox == 0);
    CHECK_FALSE(counts.session);
    CHECK(api.MessagesSent() == 0);
}

TEST_CASE("the same update delivered twice has one effect", "[serve][webhook]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    Serve serve(db->Url(), api, Mode::kWebhook);
    User ana(api, 42);

    const std::string start = ana.Text("/start");
    CHECK(serve.Post(start).status == 200);
    CHECK(serve.Post(start).status == 200);  // Telegram resent it: acknowledged, not redone
    REQUIRE(ana.WaitFor("What would you like to do?"));
    CHECK(CountsFor(db->Url(), ana.id()).outbox == 1);
    CHECK(serve.Get("/metrics").body.find("bookbot_dedupe_hits_total{transport=\"telegram\"} 1") !=
          std::string::npos);
    CHECK(api.MessagesSent() == 1);
}

TEST_CASE("a button press delivered six times is answered once", "[serve][webhook]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    Serve serve(db->Url(), api, Mode::kWebhook);
    User ana(api, 314);
    REQUIRE(serve.Post(ana.Text("/start")).status == 200);
    REQUIRE(ana.WaitFor("What would you like to do?"));

    const std::string press = ana.Press("Book an appointment");
    const auto answer = serve.Post(press);
    REQUIRE(answer.status == 200);
    // The answer is the webhook's reply body, a Bot API call as Telegram runs it.
    CHECK(answer.Header("Content-Type").value_or("") == "application/json");
    const auto call = nlohmann::json::parse(answer.body);
    CHECK(call["method"] == "answerCallbackQuery");
    const auto id = [](const std::string& update) {
        return nlohmann::json::parse(update)["callback_query"]["id"].get<std::string>();
    };
    CHECK(call["callback_query_id"] == id(press));
    for (int i = 0; i < 5; ++i) {
        const auto replay = serve.Post(press);
        REQUIRE(replay.status == 200);
        CHECK(replay.body.empty());  // answered when it was new
    }
    REQUIRE(ana.WaitFor("Which service"));
    const std::string next = ana.Press("Haircut");
    REQUIRE(serve.Post(next).status == 200);
    CHECK(api.TimesAnswered(id(next)) == 1);
    CHECK(api.TimesAnswered(id(press)) == 1);
    CHECK(api.CallbacksAnswered() == 2);
    CHECK(serve.Get("/metrics").body.find("bookbot_dedupe_hits_total{transport=\"telegram\"} 5") !=
          std::string::npos);
}

TEST_CASE("killed with SIGKILL in the middle of a flow, a restarted bot continues it",
          "[serve][webhook]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    User ana(api, 77);
    {
        // A short timeout makes the claim lease short: the killed process may
        // have sent a reply without recording it, and it is resent after the lease.
        Serve first(db->Url(), api, Mode::kWebhook, {"--telegram-timeout", "2"});
        REQUIRE(first.Post(ana.Text("/start")).status == 200);
        REQUIRE(ana.WaitFor("What would you like to do?"));
        REQUIRE(first.Post(ana.Press("Book an appointment")).status == 200);
        REQUIRE(ana.WaitFor("Which service"));
        REQUIRE(first.Post(ana.Press("Haircut")).status == 200);
        REQUIRE(ana.WaitFor("Which day"));
        first.process().Signal(SIGKILL);
        CHECK(first.process().Wait() == 128 + SIGKILL);
    }
    Serve second(db->Url(), api, Mode::kWebhook, {"--telegram-timeout", "2"});
    REQUIRE(second.Post(ana.PressNth(0)).status == 200);  // the day, from before the crash
    INFO(second.process().Output());
    INFO(ana.LastText());
    REQUIRE(ana.WaitFor("Which time"));
    REQUIRE(second.Post(ana.PressNth(0)).status == 200);
    REQUIRE(ana.WaitFor("Book Haircut on"));
    REQUIRE(second.Post(ana.Press("Yes")).status == 200);
    const bool booked = ana.WaitFor("Booked: Haircut");
    INFO(second.process().Output());
    INFO(ana.LastText());
    CHECK(booked);
    CHECK(CountsFor(db->Url(), ana.id()).bookings == 1);
}

TEST_CASE("429, 500 and timeouts from Telegram delay replies but never lose or repeat them",
          "[serve][webhook]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    api.FailSends(1, {429, 1, {}});
    api.FailSends(1, {500, 0, {}});
    api.FailSends(1, {0, 0, std::chrono::milliseconds(3000)});  // outlasts the 1 s timeout
    Serve serve(db->Url(), api, Mode::kWebhook, {"--telegram-timeout", "1"});
    User ana(api, 88);

    BookFirstFreeTime(serve, ana);
    CHECK(api.FailuresServed() == 3);
    // The greeting sent once despite three failures, edited five times, and the menu.
    CHECK(api.MessagesSent() == 2);
    CHECK(ana.Messages().size() == 2);
    CHECK(ana.Messages().at(0).edits == 5);
    const std::string metrics = serve.Get("/metrics").body;
    CHECK(metrics.find("result=\"retry_after\"} 1") != std::string::npos);
    CHECK(metrics.find("result=\"transient\"} 2") != std::string::npos);
}

TEST_CASE("updates a bot does not handle are acknowledged; a photo gets a polite answer",
          "[serve][webhook]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    Serve serve(db->Url(), api, Mode::kWebhook);
    const auto fixture = [](const std::string& name) {
        std::ifstream in(std::string(BOOKBOT_TELEGRAM_FIXTURES) + "/" + name);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    for (const char* name : {"my_chat_member_kicked.json", "my_chat_member_member.json",
                             "edited_message.json", "channel_post.json", "group_text.json",
                             "inline_query.json", "sticker.json", "photo_private.json"}) {
        INFO(name);
        CHECK(serve.Post(fixture(name)).status == 200);
    }
    // The sticker and the photo came from a private chat. The sticker is that
    // customer's first message: it gets the greeting with the menu. The photo
    // then gets a polite answer and the menu. The rest gets nothing.
    CHECK(api.WaitUntil([&] { return api.MessagesSent() == 3; }));
    int polite = 0;
    int greeted = 0;
    for (const auto& m : api.Chat(5123456789)) {
        polite += m.text.find("only read text") != std::string::npos ? 1 : 0;
        greeted += m.text.starts_with("Hello! I am the booking assistant") ? 1 : 0;
    }
    CHECK(polite == 1);
    CHECK(greeted == 1);
    CHECK(api.MessagesSent() == 3);
}

TEST_CASE("a user who blocked the bot gets nothing more", "[serve][webhook]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    Serve serve(db->Url(), api, Mode::kWebhook);
    std::ifstream in(std::string(BOOKBOT_TELEGRAM_FIXTURES) + "/my_chat_member_kicked.json");
    const std::string kicked(std::istreambuf_iterator<char>(in), {});
    REQUIRE(serve.Post(kicked).status == 200);
    User gone(api, 5123456789);  // the fixture's user
    REQUIRE(serve.Post(gone.Text("/start")).status == 200);
    User other(api, 99);
    REQUIRE(serve.Post(other.Text("/start")).status == 200);
    // The other user's reply arrives; the blocked one's was dropped, not sent.
    REQUIRE(other.WaitFor("What would you like to do?"));
    CHECK(api.WaitUntil([&] {
        return serve.Get("/metrics").body.find("result=\"blocked\"} 1") != std::string::npos;
    }));
    CHECK(gone.Messages().empty());
}

TEST_CASE("store down: the webhook answers 503 with Retry-After, and recovers",
          "[serve][webhook][pgserver][restart]") {
    const char* stop = std::getenv("BOOKBOT_TEST_POSTGRES_STOP");
    const char* start = std::getenv("BOOKBOT_TEST_POSTGRES_START");
    if (!stop || !start) FAIL("BOOKBOT_TEST_POSTGRES_STOP/START are not set: use scripts/test.sh");
    auto db = TestDatabase::Create("postgres");
    FakeBotApi api(kBotToken);
    Serve serve(db->Url(), api, Mode::kWebhook);
    User ana(api, 55);

    REQUIRE(std::system(stop) == 0);
    const std::string update = ana.Text("/start");
    const auto refused = serve.Post(update);
    CHECK(refused.status == 503);
    CHECK(refused.Header("Retry-After").has_value());
    CHECK(serve.Get("/readyz").status == 503);
    REQUIRE(std::system(start) == 0);

    CHECK(serve.Post(update).status == 200);  // Telegram's redelivery
    CHECK(ana.WaitFor("What would you like to do?"));
    CHECK(serve.Get("/readyz").status == 200);
    CHECK(api.MessagesSent() == 1);
}

TEST_CASE("SIGTERM stops serve cleanly", "[serve]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    Serve serve(db->Url(), api, Mode::kWebhook);
    serve.process().Signal(SIGTERM);
    CHECK(serve.process().Wait() == 0);
    CHECK(serve.process().Output().find("serve.stopped") != std::string::npos);
    CHECK(serve.process().Output().find(kBotToken) == std::string::npos);
}

}  // namespace
}  // namespace bookbot::testing
