// `bookbot serve` as a WhatsApp bot: delivery statuses recorded against the
// replies they name, and the webhook while PostgreSQL is down.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "bookbot/backends/open_store.hpp"
#include "run_command.hpp"
#include "test_database.hpp"
#include "whatsapp_harness.hpp"

namespace bookbot::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

json Status(const std::string& wamid, const std::string& status, const std::string& to,
            int timestamp) {
    json s = {{"id", wamid},
              {"status", status},
              {"timestamp", std::to_string(timestamp)},
              {"recipient_id", to}};
    if (status == "failed") {
        s["errors"] = {{{"code", 131047},
                        {"title", "Re-engagement message"},
                        {"error_data",
                         {{"details",
                           "more than 24 hours have passed since the customer last "
                           "replied to this number."}}}}};
    }
    return s;
}

// A webhook body carrying only statuses[].
std::string Statuses(json statuses) {
    return json{
        {"object", "whatsapp_business_account"},
        {"entry",
         {{{"id", "102290129340398"},
           {"changes",
            {{{"field", "messages"},
              {"value",
               {{"messaging_product", "whatsapp"},
                {"metadata",
                 {{"display_phone_number", "15550783881"}, {"phone_number_id", kWaNumberId}}},
                {"statuses", std::move(statuses)}}}}}}}}}}
        .dump();
}

// The sent outbox row whose platform message id is `wamid`, once the binary
// recorded it (another process writes it: polled for up to 20 s).
std::optional<core::OutboxMessage> SentRow(const std::string& url, const std::string& wamid) {
    auto store = backends::OpenStore(url);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
        for (const auto& m : store->Read([](core::UnitOfWork& u) {
                 return u.ListOutbox(core::OutboxStatus::kSent, 1000);
             })) {
            if (m.platform_message_id == wamid) return m;
        }
        std::this_thread::sleep_for(20ms);
    }
    return std::nullopt;
}

TEST_CASE("whatsapp: statuses are recorded against the replies they name", "[whatsapp]") {
    auto db = TestDatabase::Create();
    FakeGraphApi graph(kWaToken, kWaNumberId);
    WhatsAppServe serve(db->Url(), graph);
    Customer ana(graph, "16505551234");
    Customer bob(graph, "447700900123");
    REQUIRE(serve.Post(ana.Text("hi")).status == 200);
    REQUIRE(serve.Post(bob.Text("hi")).status == 200);
    REQUIRE(ana.WaitFor("What would you like to do?"));
    REQUIRE(bob.WaitFor("What would you like to do?"));
    const std::string to_ana = ana.Messages().front().wamid;
    const std::string to_bob = bob.Messages().front().wamid;
    REQUIRE(SentRow(db->Url(), to_ana));
    REQUIRE(SentRow(db->Url(), to_bob));

    // Out of order and repeated, as WhatsApp sends them; one not ours.
    const auto answer = serve.Post(Statuses({Status(to_ana, "delivered", ana.wa_id(), 1767261601),
                                             Status(to_ana, "sent", ana.wa_id(), 1767261600),
                                             Status(to_ana, "read", ana.wa_id(), 1767261660),
                                             Status(to_bob, "failed", bob.wa_id(), 1767261602),
                                             Status(to_bob, "delivered", bob.wa_id(), 1767261601),
                                             Status("wamid.NOT_OURS", "read", "1", 1767261700)}));
    CHECK(answer.status == 200);
    // Answered after the commit: the rows say so now.
    const auto ana_row = SentRow(db->Url(), to_ana);
    REQUIRE(ana_row);
    CHECK(ana_row->delivery_status == core::DeliveryStatus::kRead);
    CHECK(ana_row->delivery_updated_at == core::FromEpochMillis(1767261660000));
    const auto bob_row = SentRow(db->Url(), to_bob);
    REQUIRE(bob_row);
    CHECK(bob_row->delivery_status == core::DeliveryStatus::kFailed);
    CHECK(bob_row->delivery_error.find("131047 Re-engagement message") != std::string::npos);

    // The operator sees the failed delivery.
    const auto listed = RunCommand(std::string(BOOKBOT_BINARY) + " outbox list --failed --db " +
                                   ShellQuote(db->Url()));
    CHECK(listed.exit_code == 0);
    CHECK(listed.output.find("131047") != std::string::npos);
    CHECK(listed.output.find(bob.wa_id()) != std::string::npos);
    CHECK(listed.output.find(ana.wa_id()) == std::string::npos);
    CHECK(listed.output.find("1 of 1 message(s) not delivered") != std::string::npos);
    const auto metrics = serve.Get("/metrics").body;
    CHECK(metrics.find("bookbot_delivery_reports_total{transport=\"whatsapp\",status=\"read\","
                       "outcome=\"held\"} 1") != std::string::npos);
}

// The wamid of the (first) message in a webhook body.
std::string InboundId(const std::string& body) {
    return json::parse(body)["entry"][0]["changes"][0]["value"]["messages"][0]["id"];
}

TEST_CASE("whatsapp: a failure reported before the send is answered reaches the operator",
          "[whatsapp]") {
    auto db = TestDatabase::Create();
    FakeGraphApi graph(kWaToken, kWaNumberId);
    WhatsAppServe serve(db->Url(), graph);
    Customer ana(graph, "16505551234");
    // WhatsApp posts the status of the first reply before it answers the send.
    std::atomic<int> posted{0};
    graph.BeforeAnswering([&](const FakeGraphApi::Message& m) {
        if (posted.load() != 0) return;
        posted = serve.Post(Statuses({Status(m.wamid, "failed", m.to, 1767261602)})).status;
    });
    const std::string hi = ana.Text("hi");
    REQUIRE(serve.Post(hi).status == 200);
    REQUIRE(ana.WaitFor("What would you like to do?"));
    const std::string first = ana.Messages().front().wamid;
    // Stored with the id, in one unit: the row has its failure once it has its id.
    const auto row = SentRow(db->Url(), first);
    REQUIRE(row);
    // The id is stored after the send was answered, so after the hook ran.
    graph.BeforeAnswering(nullptr);
    CHECK(posted.load() == 200);
    CHECK(row->delivery_status == core::DeliveryStatus::kFailed);
    CHECK(row->delivery_error.find("131047") != std::string::npos);
    const auto listed = RunCommand(std::string(BOOKBOT_BINARY) + " outbox list --failed --db " +
                                   ShellQuote(db->Url()));
    CHECK(listed.output.find("1 of 1 message(s) not delivered") != std::string::npos);
    CHECK(serve.Get("/metrics")
              .body.find("bookbot_delivery_reports_total{transport=\"whatsapp\",status=\"failed\","
                         "outcome=\"held\"} 1") != std::string::npos);

    // The message handled was marked read (--whatsapp-mark-read is on by default).
    CHECK(graph.WaitUntil([&] { return graph.WasMarkedRead(InboundId(hi)); }));
    CHECK_FALSE(graph.WasMarkedRead("wamid.NEVER_SENT"));
}

TEST_CASE("whatsapp: PostgreSQL stopped answers 503; the redelivered POST is handled once",
          "[whatsapp][pgserver][restart]") {
    const char* stop = std::getenv("BOOKBOT_TEST_POSTGRES_STOP");
    const char* start = std::getenv("BOOKBOT_TEST_POSTGRES_START");
    if (!stop || !start) FAIL("BOOKBOT_TEST_POSTGRES_STOP/START are not set: use scripts/test.sh");
    auto db = TestDatabase::Create("postgres");
    FakeGraphApi graph(kWaToken, kWaNumberId);
    WhatsAppServe serve(db->Url(), graph);
    Customer ana(graph, "16505551234");
    const std::string hi = ana.Text("hi");
    const std::string statuses = Statuses({Status("wamid.X", "delivered", ana.wa_id(), 1)});

    REQUIRE(std::system(stop) == 0);
    const auto refused = serve.Post(hi);
    const auto refused_statuses = serve.Post(statuses);
    const auto ready_while_down = serve.Get("/readyz").status;
    REQUIRE(std::system(start) == 0);
    CHECK(refused.status == 503);
    CHECK(refused.Header("Retry-After").has_value());
    CHECK(refused_statuses.status == 503);
    CHECK(ready_while_down == 503);
    CHECK(graph.MessagesSent() == 0);

    // WhatsApp delivers the body again, and may do so twice.
    CHECK(serve.Post(hi).status == 200);
    REQUIRE(ana.WaitFor("What would you like to do?"));
    const std::size_t answered = ana.Messages().size();
    CHECK(serve.Post(hi).status == 200);
    CHECK(serve.Post(statuses).status == 200);
    Customer bob(graph, "447700900123");  // a later update: the replay had its chance
    REQUIRE(serve.Post(bob.Text("hi")).status == 200);
    REQUIRE(bob.WaitFor("What would you like to do?"));
    CHECK(ana.Messages().size() == answered);
    CHECK(serve.Get("/readyz").status == 200);
}

}  // namespace
}  // namespace bookbot::testing
