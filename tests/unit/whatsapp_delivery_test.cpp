// The outbox dispatcher delivering through WhatsAppSender and the Graph API
// client over real HTTP to FakeGraphApi, on each backend: rate limits retried
// to exactly one delivery, the 24-hour window parked, WhatsApp's limits kept.
#include <catch2/catch.hpp>
#include <memory>

#include "bookbot/backends/open_store.hpp"
#include "bookbot/core/outbox_dispatcher.hpp"
#include "bookbot/transports/http/client.hpp"
#include "bookbot/transports/whatsapp/graph_api.hpp"
#include "bookbot/transports/whatsapp/outbox_sender.hpp"
#include "fake_graph_api.hpp"
#include "fixed_clock.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

namespace whatsapp = transports::whatsapp;
using core::OutboxStatus;
using namespace std::chrono_literals;

const std::string kToken = "EAAGfakeAccessToken0123456789";
const std::string kNumberId = "106540352242922";
const std::string kCustomer = "16505551234";
const core::TimePoint kT0 = core::FromEpochMillis(1772366400000);

struct Delivery {
    FakeGraphApi graph{kToken, kNumberId};
    std::unique_ptr<TestDatabase> db = TestDatabase::Create();
    std::unique_ptr<core::Store> store = backends::OpenStore(db->Url());
    FixedClock clock{kT0};
    transports::http::Client client{graph.BaseUrl(), whatsapp::ClientOptionsFor(kToken)};
    whatsapp::GraphApi api{client, Settings()};
    whatsapp::WhatsAppSender sender{api};
    core::OutboxDispatcher dispatcher{store_ready(), sender,  clock,
                                      Options(),     nullptr, [](core::Millis) {}};

    static whatsapp::GraphSettings Settings() {
        whatsapp::GraphSettings settings;
        settings.access_token = kToken;
        settings.phone_number_id = kNumberId;
        return settings;
    }
    static core::DispatcherOptions Options() {
        core::DispatcherOptions o;
        o.platform = "whatsapp";
        o.worker = "w1";
        o.max_attempts = 5;
        o.chat_rate = 0;
        o.global_rate = 0;
        return o;
    }
    core::Store& store_ready() {
        store->Migrate(kT0);
        return *store;
    }
    void Enqueue(const core::Reply& reply) {
        store->Write([&](core::UnitOfWork& u) {
            u.Enqueue("whatsapp", kCustomer, core::EncodeReply(reply), clock.Now());
        });
    }
    // Runs the dispatcher until nothing is pending, moving the clock past
    // every retry time; returns the rounds it took.
    int Drain() {
        for (int round = 1; round <= 20; ++round) {
            dispatcher.RunOnce();
            if (Count(OutboxStatus::kPending) == 0) return round;
            clock.Advance(2h);
        }
        return -1;
    }
    std::int64_t Count(OutboxStatus status) {
        return store->Read([&](core::UnitOfWork& u) { return u.CountOutbox(status); });
    }
    std::vector<core::OutboxMessage> Rows(OutboxStatus status) {
        return store->Read([&](core::UnitOfWork& u) { return u.ListOutbox(status, 100); });
    }
};

TEST_CASE("429, 130429 and 131056 are retried until delivered exactly once", "[whatsapp]") {
    Delivery d;
    d.graph.FailSends(1, {429, 0});
    d.graph.FailSends(1, {400, 130429});
    d.graph.FailSends(1, {400, 131056});
    d.Enqueue(core::Reply::Plain("Booked: Tue 03.03. 17:30"));
    CHECK(d.Drain() == 4);
    CHECK(d.graph.FailuresServed() == 3);
    const auto chat = d.graph.Chat(kCustomer);
    REQUIRE(chat.size() == 1);
    CHECK(chat[0].text == "Booked: Tue 03.03. 17:30");
    CHECK(d.Count(OutboxStatus::kSent) == 1);
    CHECK(d.Count(OutboxStatus::kDead) == 0);
}

TEST_CASE("outside the 24-hour window the message is parked with its reason", "[whatsapp]") {
    Delivery d;
    d.graph.FailSends(1, {400, 131047});
    d.Enqueue(core::Reply::Plain("Your booking was cancelled by the shop"));
    CHECK(d.Drain() == 1);
    const auto dead = d.Rows(OutboxStatus::kDead);
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].last_error.find("131047") != std::string::npos);
    CHECK(dead[0].last_error.find("24-hour customer-service window") != std::string::npos);
    d.clock.Advance(24h);
    d.dispatcher.RunOnce();
    CHECK(d.graph.FailuresServed() == 1);  // never tried again
    CHECK(d.graph.MessagesSent() == 0);
}

TEST_CASE("server errors are retried, a rejected token keeps the message", "[whatsapp]") {
    Delivery d;
    d.graph.FailSends(2, {500, 0});
    d.Enqueue(core::Reply::Plain("one"));
    CHECK(d.Drain() == 3);
    CHECK(d.graph.MessagesSent() == 1);

    d.graph.SetTokenRejected(true);
    d.Enqueue(core::Reply::Plain("two"));
    for (int i = 0; i < 8; ++i) {
        d.dispatcher.RunOnce();
        d.clock.Advance(1h);
    }
    CHECK(d.Count(OutboxStatus::kPending) == 1);  // retried slowly, never dead
    CHECK(d.Count(OutboxStatus::kDead) == 0);
    d.graph.SetTokenRejected(false);
    CHECK(d.Drain() == 1);
    CHECK(d.graph.MessagesSent() == 2);
}

TEST_CASE("choices arrive as buttons or a list within WhatsApp's limits", "[whatsapp]") {
    Delivery d;
    core::Reply confirm = core::Reply::Plain("Book Haircut on Tue 03.03. at 17:30?");
    confirm.keyboard = {{{"Yes", "ok"}}, {{"« Back", "back"}, {"Cancel", "cancel"}}};
    d.Enqueue(confirm);
    core::Reply times = core::Reply::Plain("Which time on Tue 03.03.?");
    for (int h = 9; h < 15; ++h)
        times.keyboard.push_back({{std::to_string(h) + ":00", "t" + std::to_string(h)}});
    times.keyboard.push_back({{"Next »", "pg:1"}});
    times.keyboard.push_back({{"« Back", "back"}, {"Cancel", "cancel"}});
    d.Enqueue(times);
    core::Reply services = core::Reply::Plain("Which service would you like?");
    services.keyboard = {{{"Haircut and beard trim deluxe · 45 min · 35 EUR", "svc:deluxe"}}};
    d.Enqueue(services);
    CHECK(d.Drain() == 3);  // one chat's messages leave one at a time, in order
    CHECK(d.graph.LimitViolations() == 0);
    const auto chat = d.graph.Chat(kCustomer);
    REQUIRE(chat.size() == 3);
    CHECK(chat[0].type == "button");
    CHECK(chat[0].choices.size() == 3);
    CHECK(chat[1].type == "list");
    CHECK(chat[1].choices.size() == 9);
    CHECK(chat[1].choices[6].id == "pg:1");
    CHECK(chat[2].type == "list");
    CHECK(chat[2].choices[0].description == "Haircut and beard trim deluxe · 45 min · 35 EUR");
}

}  // namespace
}  // namespace bookbot::testing
