// `bookbot serve` as a WhatsApp bot, end to end: the real binary, signed
// webhook POSTs, a fake Graph API on real HTTP, per backend.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "bookbot/backends/open_store.hpp"
#include "bookbot/transports/whatsapp/webhook_auth.hpp"
#include "run_command.hpp"
#include "telegram_harness.hpp"
#include "test_database.hpp"
#include "whatsapp_harness.hpp"

namespace bookbot::testing {
namespace {

using namespace std::chrono_literals;

std::int64_t DeadRows(const std::string& url) {
    auto store = backends::OpenStore(url);
    return store->Read(
        [](core::UnitOfWork& u) { return u.CountOutbox(core::OutboxStatus::kDead); });
}

// Polls the database (another process writes it) until `count` messages are
// dead, for up to 20 s.
bool WaitForDead(const std::string& url, std::int64_t count) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (DeadRows(url) >= count) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

std::int64_t OutboxRows(const std::string& url) {
    auto store = backends::OpenStore(url);
    return store->Read([](core::UnitOfWork& u) {
        return u.CountOutbox(core::OutboxStatus::kPending) +
               u.CountOutbox(core::OutboxStatus::kSent) + u.CountOutbox(core::OutboxStatus::kDead);
    });
}

void Step(WhatsAppServe& serve, Customer& c, const std::string& body, const std::string& expect) {
    REQUIRE(c.WaitSettled());
    const std::size_t before = c.Messages().size();
    const auto response = serve.Post(body);
    REQUIRE(response.status == 200);
    const bool arrived = c.WaitForNew(expect, before);
    INFO("expected \"" << expect << "\"; last message: " << c.LastText());
    REQUIRE(arrived);
    REQUIRE(c.WaitSettled());  // the next step's press reads the whole answer
}

TEST_CASE("whatsapp: the handshake answers the challenge only for the verify token", "[whatsapp]") {
    auto db = TestDatabase::Create();
    FakeGraphApi graph(kWaToken, kWaNumberId);
    WhatsAppServe serve(db->Url(), graph);
    const auto ok = serve.Get(
        std::string(kWaPath) +
        "?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=" + kWaVerifyToken);
    CHECK(ok.status == 200);
    CHECK(ok.body == "1158201444");
    CHECK(serve
              .Get(std::string(kWaPath) +
                   "?hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong")
              .status == 403);
}

TEST_CASE("whatsapp: book, reschedule and cancel with buttons and lists", "[whatsapp]") {
    auto db = TestDatabase::Create();
    FakeGraphApi graph(kWaToken, kWaNumberId);
    WhatsAppServe serve(db->Url(), graph);
    Customer ana(graph, "16505551234");

    Step(serve, ana, ana.Text("hi"), "What would you like to do?");
    CHECK(ana.Messages().back().type == "button");  // three choices
    Step(serve, ana, ana.Press("Book an appointment"), "Which service");
    CHECK(ana.Messages().back().type == "list");
    Step(serve, ana, ana.Press("Haircut"), "Which day");
    // The second open day: well clear of the 2-hour change cut-off, whenever the test runs.
    Step(serve, ana, ana.PressNth(1), "Which time");
    Step(serve, ana, ana.PressNth(0), "Book Haircut on");
    Step(serve, ana, ana.Press("Yes"), "Booked: Haircut");

    Step(serve, ana, ana.Text("hi"), "What would you like to do?");
    Step(serve, ana, ana.Press("My bookings"), "Your upcoming bookings");
    Step(serve, ana, ana.Press("Haircut"), "What would you like to do?");
    Step(serve, ana, ana.Press("Reschedule"), "Which day");
    Step(serve, ana, ana.PressNth(1), "Which time");
    Step(serve, ana, ana.PressNth(0), "Move Haircut to");
    Step(serve, ana, ana.Press("Yes"), "Moved: Haircut");

    Step(serve, ana, ana.Text("hi"), "What would you like to do?");
    Step(serve, ana, ana.Press("My bookings"), "Your upcoming bookings");
    Step(serve, ana, ana.Press("Haircut"), "What would you like to do?");
    Step(serve, ana, ana.Press("Cancel this booking"), "Cancel Haircut on");
    Step(serve, ana, ana.Press("Yes"), "Cancelled: Haircut");
    Step(serve, ana, ana.Sticker(), "I can only read text and button presses");
    CHECK(graph.LimitViolations() == 0);
}

TEST_CASE("whatsapp: back and paging stay within ten rows", "[whatsapp]") {
    auto db = TestDatabase::Create();
    FakeGraphApi graph(kWaToken, kWaNumberId);
    WhatsAppServe serve(db->Url(), graph);
    Customer ana(graph, "16505551234");
    Step(serve, ana, ana.Text("hi"), "What would you like to do?");
    Step(serve, ana, ana.Press("Book an appointment"), "Which service");
    Step(serve, ana, ana.Press("Haircut"), "Which day");
    const auto first_page = ana.Messages().back().choices;
    CHECK(first_page.size() <= 10);
    Step(serve, ana, ana.Press("Next »"), "Which day");
    CHECK(ana.Messages().back().choices.front().id != first_page.front().id);
    Step(serve, ana, ana.Press("« Previous"), "Which day");
    CHECK(ana.Messages().back().choices.front().title == first_page.front().title);
    Step(serve, ana, ana.PressNth(0), "Which time");
    CHECK(ana.Messages().back().choices.size() <= 10);
    Step(serve, ana, ana.Press("« Back"), "Which day");
    Step(serve, ana, ana.Press("« Back"), "Which service");
    CHECK(graph.LimitViolations() == 0);
}

TEST_CASE("whatsapp: a replayed POST has exactly one effect", "[whatsapp]") {
    auto db = TestDatabase::Create();
    FakeGraphApi graph(kWaToken, kWaNumberId);
    WhatsAppServe serve(db->Url(), graph);
    Customer ana(graph, "16505551234");
    const std::string body = ana.Text("hi");
    REQUIRE(serve.Post(body).status == 200);
    REQUIRE(ana.WaitFor("What would you like to do?"));
    const std::size_t answered = ana.Messages().size();
    REQUIRE(serve.Post(body).status == 200);
    Customer bob(graph, "447700900123");  // a later update, so the replay had its chance
    Step(serve, bob, bob.Text("hi"), "What would you like to do?");
    CHECK(ana.Messages().size() == answered);
}

TEST_CASE("whatsapp: a forged signature is refused and nothing is written", "[whatsapp]") {
    auto db = TestDatabase::Create();
    FakeGraphApi graph(kWaToken, kWaNumberId);
    WhatsAppServe serve(db->Url(), graph);
    Customer ana(graph, "16505551234");
    const std::string body = ana.Text("hi");
    CHECK(serve.PostSigned(body, "").status == 401);
    CHECK(serve.PostSigned(body, transports::whatsapp::Sign("not the secret", body)).status == 403);
    CHECK(serve.PostSigned(body + " ", transports::whatsapp::Sign(kWaAppSecret, body)).status ==
          403);
    // A flood of them writes one warning per 10 s, not one per request.
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) {
        CHECK(serve.PostSigned(body, i % 2 == 0 ? "" : "sha256=00").status / 100 == 4);
    }
    const auto intervals = 1 + (std::chrono::steady_clock::now() - start) / 10s;
    const std::string output = serve.process().Output();
    std::size_t warnings = 0;
    for (auto at = output.find("whatsapp.webhook_rejected"); at != std::string::npos;
         at = output.find("whatsapp.webhook_rejected", at + 1)) {
        ++warnings;
    }
    CHECK(warnings >= 1);
    CHECK(warnings <= static_cast<std::size_t>(intervals));
    CHECK(OutboxRows(db->Url()) == 0);
    CHECK(graph.MessagesSent() == 0);
}

TEST_CASE("whatsapp: 429 and 131056 are retried to one delivery; 131047 is parked", "[whatsapp]") {
    auto db = TestDatabase::Create();
    FakeGraphApi graph(kWaToken, kWaNumberId);
    WhatsAppServe serve(db->Url(), graph);
    Customer ana(graph, "16505551234");
    graph.FailSends(1, {429, 130429});
    graph.FailSends(1, {400, 131056});
    REQUIRE(serve.Post(ana.Text("hi")).status == 200);
    REQUIRE(ana.WaitFor("What would you like to do?"));
    CHECK(graph.FailuresServed() == 2);
    // Each reply exactly once, though the first was refused twice.
    const auto messages = ana.Messages();
    std::set<std::string> texts;
    for (const auto& m : messages) texts.insert(m.text);
    CHECK(texts.size() == messages.size());

    graph.FailSends(1, {400, 131047});
    REQUIRE(serve.Post(ana.Press("My bookings")).status == 200);
    REQUIRE(WaitForDead(db->Url(), 1));
    CHECK(graph.FailuresServed() == 3);
    const auto listed = RunCommand(std::string(BOOKBOT_BINARY) +
                                   " outbox list --dead --json --db " + ShellQuote(db->Url()));
    CHECK(listed.output.find("24-hour customer-service window") != std::string::npos);
}

TEST_CASE("whatsapp: a cancellation the shop cannot deliver after 24 hours is parked as such",
          "[whatsapp]") {
    auto db = TestDatabase::Create();
    FakeGraphApi graph(kWaToken, kWaNumberId);
    WhatsAppServe serve(db->Url(), graph);
    Customer ana(graph, "16505551234");
    Step(serve, ana, ana.Text("hi"), "What would you like to do?");
    Step(serve, ana, ana.Press("Book an appointment"), "Which service");
    Step(serve, ana, ana.Press("Haircut"), "Which day");
    Step(serve, ana, ana.PressNth(1), "Which time");
    Step(serve, ana, ana.PressNth(0), "Book Haircut on");
    Step(serve, ana, ana.Press("Yes"), "Booked: Haircut");

    const auto booked = RunCommand(std::string(BOOKBOT_BINARY) + " bookings list --json --db " +
                                   ShellQuote(db->Url()));
    REQUIRE(booked.exit_code == 0);
    const auto bookings = nlohmann::json::parse(booked.output);
    REQUIRE(bookings.size() == 1);
    // The customer's 24-hour window has closed by the time the shop cancels.
    graph.FailSends(1, {400, 131047});
    const auto cancel =
        RunCommand(std::string(BOOKBOT_BINARY) + " bookings cancel " +
                   bookings[0]["id"].get<std::string>() + " --db " + ShellQuote(db->Url()));
    INFO(cancel.output);
    REQUIRE(cancel.exit_code == 0);
    REQUIRE(WaitForDead(db->Url(), 1));
    const auto listed = RunCommand(std::string(BOOKBOT_BINARY) +
                                   " outbox list --dead --json --db " + ShellQuote(db->Url()));
    INFO(listed.output);
    CHECK_THAT(listed.output, Catch::Contains(ana.wa_id()) &&
                                  Catch::Contains("24-hour customer-service window") &&
                                  Catch::Contains("had to cancel your booking"));
}

TEST_CASE("whatsapp and telegram in one process keep their sessions apart", "[whatsapp]") {
    auto db = TestDatabase::Create();
    FakeGraphApi graph(kWaToken, kWaNumberId);
    FakeBotApi bot(kBotToken);
    WhatsAppServe serve(
        db->Url(), graph, {"--telegram-api", bot.BaseUrl(), "--send-rate", "0"},
        {{"TELEGRAM_BOT_TOKEN", kBotToken}, {"TELEGRAM_WEBHOOK_SECRET", kWebhookSecret}});
    Customer ana(graph, "16505551234");
    User tg(bot, 16505551234);  // the same id on both platforms, on purpose

    transports::http::ClientOptions options;
    options.headers = {{"X-Telegram-Bot-Api-Secret-Token", kWebhookSecret}};
    transports::http::Client telegram("http://127.0.0.1:" + std::to_string(serve.port()), options);
    const auto post_tg = [&](const std::string& body) {
        return telegram.Post("/telegram/webhook", "application/json", body).status;
    };

    Step(serve, ana, ana.Text("hi"), "What would you like to do?");
    Step(serve, ana, ana.Press("Book an appointment"), "Which service");
    REQUIRE(post_tg(tg.Text("/start")) == 200);
    REQUIRE(tg.WaitFor("What would you like to do?"));
    REQUIRE(post_tg(tg.Press("My bookings")) == 200);
    REQUIRE(tg.WaitFor("You have no upcoming bookings"));
    // WhatsApp's conversation is still at the service list.
    Step(serve, ana, ana.Press("Haircut"), "Which day");
}

}  // namespace
}  // namespace bookbot::testing
