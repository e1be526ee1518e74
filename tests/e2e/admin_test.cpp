// The operator's commands through the real binary, on a store filled by
// conversations run through the engine.

#include <catch2/catch.hpp>
#include <cctype>
#include <nlohmann/json.hpp>

#include "bookbot/backends/open_store.hpp"
#include "bookbot/core/schedule.hpp"
#include "engine_fill.hpp"
#include "run_command.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

using core::SessionKey;
using core::UnitOfWork;
using nlohmann::json;

// A migrated store, and users talking to the demo business (what the CLI
// assumes without --config) on a clock that starts at the real now, so that
// "from today on" includes their bookings.
struct AdminFixture {
    std::unique_ptr<TestDatabase> db = TestDatabase::Create();
    std::unique_ptr<core::Store> store = Migrated(db->Url());
    core::Business business = core::DemoBusiness();
    ManualClock clock{core::SystemClock().Now()};
    ChatDriver chat{*store, business, clock};

    static std::unique_ptr<core::Store> Migrated(const std::string& url) {
        auto store = backends::OpenStore(url);
        store->Migrate(core::SystemClock().Now());
        return store;
    }

    CommandResult Bookbot(const std::string& args) const {
        return RunCommand(BOOKBOT_BINARY " " + args + " --db " + ShellQuote(db->Url()));
    }

    json Json(const std::string& args) const {
        const CommandResult r = Bookbot(args + " --json");
        INFO(r.output);
        REQUIRE(r.exit_code == 0);
        return json::parse(r.output);
    }

    std::int64_t Book(const SessionKey& user) {
        chat.Text(user, "/start");
        REQUIRE((chat.Press(user, "book") && chat.Press(user, "svc:") && chat.Press(user, "day:") &&
                 chat.Press(user, "slot:") && chat.Press(user, "ok")));
        std::vector<core::Booking> bookings;
        store->Read([&](UnitOfWork& u) { bookings = u.UpcomingBookings(user, clock.Now()); });
        REQUIRE(bookings.size() == 1);
        return bookings[0].id;
    }
};

const SessionKey kAlice{"telegram", "5000000000001"};
const SessionKey kBob{"whatsapp", "+491701234567"};

void CheckFails(const CommandResult& r, int code, const std::string& says) {
    INFO(r.output);
    CHECK(r.exit_code == code);
    CHECK_THAT(r.output, Catch::Contains(says));
}

TEST_CASE_METHOD(AdminFixture, "bookings list shows bookings by day; cancel frees and tells",
                 "[admin][bookings]") {
    const std::int64_t alice = Book(kAlice);
    const std::int64_t bob = Book(kBob);

    const CommandResult list = Bookbot("bookings list");
    INFO(list.output);
    CHECK(list.exit_code == 0);
    CHECK_THAT(list.output, Catch::Contains(std::to_string(alice)) &&
                                Catch::Contains(std::to_string(bob)) &&
                                Catch::Contains("telegram/5000000000001") &&
                                Catch::Contains("Haircut") && Catch::Contains("Europe/Berlin"));

    const json all = Json("bookings list");
    REQUIRE(all.size() == 2);
    CHECK(all[0]["id"] == std::to_string(alice));  // exact, though above 2^53
    CHECK(all[1]["user_id"] == kBob.user_id);

    std::optional<core::Booking> booked;
    store->Read([&](UnitOfWork& u) { booked = u.FindBooking(alice); });
    const core::LocalDate day = core::LocalDateAt("Europe/Berlin", booked->starts_at);
    const std::string d = day.ToString();
    CHECK(Json("bookings list --from " + d + " --to " + d).size() == 2);
    CHECK(Json("bookings list --from " + core::AddDays(day, 1).ToString()).empty());
    CHECK(
        Json("bookings list --from 2020-01-01 --to " + core::AddDays(day, -1).ToString()).empty());
    CheckFails(Bookbot("bookings list --from 2026-02-30"), 2, "YYYY-MM-DD");
    CheckFails(Bookbot("bookings list --from tomorrow"), 2, "YYYY-MM-DD");
    CheckFails(Bookbot("bookings list --from " + d + " --to " + core::AddDays(day, -1).ToString()),
               2, "before the first day");

    const CommandResult cancel = Bookbot("bookings cancel " + std::to_string(alice));
    INFO(cancel.output);
    CHECK(cancel.exit_code == 0);
    CHECK_THAT(cancel.output, Catch::Contains("cancelled booking " + std::to_string(alice)) &&
                                  Catch::Contains("Barber Demo had to cancel"));
    store->Read([&](UnitOfWork& u) {
        CHECK(u.FindBooking(alice)->status == core::BookingStatus::kCancelled);
        for (const auto& cell : u.OccupiedCells(booked->starts_at, booked->ends_at)) {
            CHECK(cell.booking_id != alice);  // the slot is free again
        }
        const auto history = u.RecentMessages(kAlice, 1);
        REQUIRE(history.size() == 1);
        CHECK_THAT(history[0].text, Catch::StartsWith("Sorry, Barber Demo had to cancel"));
        const auto outbox = u.ListOutbox(core::OutboxStatus::kPending, 1000);
        REQUIRE_FALSE(outbox.empty());
        CHECK(outbox.back().chat_id == kAlice.user_id);
        CHECK(core::DecodeReply(outbox.back().body).text == history[0].text);
    });
    CHECK(Json("bookings list").size() == 1);

    CheckFails(Bookbot("bookings cancel " + std::to_string(alice)), 1, "is not confirmed");
    CheckFails(Bookbot("bookings cancel 12345"), 1, "no booking with id 12345");
    CheckFails(Bookbot("bookings cancel abc"), 2, "ID");
    CheckFails(Bookbot("bookings cancel"), 2, "ID");
    CheckFails(Bookbot("bookings"), 2, "");
}

TEST_CASE_METHOD(AdminFixture, "a resolved flag's reply reaches the user and the bot answers again",
                 "[admin][flags]") {
    chat.Text(kAlice, "/start");
    REQUIRE(chat.Press(kAlice, "human"));
    CHECK(chat.Text(kAlice, "Hilfe bitte 🙏 — срочно").replies.empty());  // a person answers
    std::vector<core::HumanFlag> open;
    store->Read([&](UnitOfWork& u) { open = u.ListOpenFlags(10); });
    REQUIRE(open.size() == 1);
    const std::string id = std::to_string(open[0].id);

    const CommandResult list = Bookbot("flags list");
    INFO(list.output);
    CHECK(list.exit_code == 0);
    CHECK_THAT(list.output, Catch::Contains(id) && Catch::Contains("Hilfe bitte 🙏 — срочно") &&
                                Catch::Contains("asked for a person"));
    const json flags = Json("flags list --messages 2");
    REQUIRE(flags.size() == 1);
    CHECK(flags[0]["id"] == id);
    REQUIRE(flags[0]["messages"].size() == 2);
    CHECK(flags[0]["messages"][1]["text"] == "Hilfe bitte 🙏 — срочно");

    const CommandResult resolve =
        Bookbot("flags resolve " + id + " --reply 'Hallo, wie kann ich helfen?'");
    INFO(resolve.output);
    CHECK(resolve.exit_code == 0);
    CHECK_THAT(resolve.output, Catch::Contains("reply sent") && Catch::Contains("main menu"));
    store->Read([&](UnitOfWork& u) {
        CHECK(u.ListOpenFlags(10).empty());
        CHECK(u.RecentMessages(kAlice, 1).at(0).text == "Hallo, wie kann ich helfen?");
        const auto outbox = u.ListOutbox(core::OutboxStatus::kPending, 1000);
        CHECK(core::DecodeReply(outbox.back().body).text == "Hallo, wie kann ich helfen?");
        CHECK(u.LoadSession(kAlice, clock.Now()).session->context.at("step") == "menu");
    });
    CHECK(Json("flags list").empty());
    // The conversation is back to normal: the bot answers text again.
    CHECK_THAT(chat.Text(kAlice, "und jetzt?").replies.at(0).text,
               Catch::Contains("did not understand"));

    CheckFails(Bookbot("flags resolve " + id), 1, "already resolved");
    CheckFails(Bookbot("flags resolve 42"), 1, "no flag with id 42");
    CheckFails(Bookbot("flags resolve"), 2, "ID");
}

TEST_CASE_METHOD(AdminFixture, "sessions show a conversation's state; sweep removes expired ones",
                 "[admin][sessions]") {
    chat.Text(kAlice, "/start");
    REQUIRE((chat.Press(kAlice, "book") && chat.Press(kAlice, "svc:")));
    ManualClock earlier(clock.Now() - std::chrono::hours(2));
    ChatDriver(*store, business, earlier).Text(kBob, "/start");  // expired by now

    const CommandResult show = Bookbot("sessions show telegram 5000000000001");
    INFO(show.output);
    CHECK(show.exit_code == 0);
    CHECK_THAT(show.output, Catch::Contains("step") && Catch::Contains("day") &&
                                Catch::Contains("[button] svc:cut"));
    const json alice = Json("sessions show telegram 5000000000001");
    std::optional<core::Session> stored;
    store->Read([&](UnitOfWork& u) { stored = u.LoadSession(kAlice, clock.Now()).session; });
    REQUIRE(stored);
    CHECK(alice["step"] == "day");
    CHECK(alice["version"] == stored->version);
    CHECK(alice["step_history"].size() == stored->step_history.size());
    CHECK(alice["context"]["service"] == "cut");
    CHECK(alice["expired"] == false);
    CHECK(Json("sessions show whatsapp +491701234567")["expired"] == true);

    CheckFails(Bookbot("sessions show telegram nobody"), 1, "no session for telegram/nobody");
    CheckFails(Bookbot("sessions show telegram"), 2, "USER");

    const CommandResult sweep = Bookbot("sessions sweep");
    CHECK(sweep.exit_code == 0);
    CHECK_THAT(sweep.output, Catch::Contains("deleted 1 expired session(s)"));
    CheckFails(Bookbot("sessions show whatsapp +491701234567"), 1, "no session");
    CHECK(Json("sessions show telegram 5000000000001")["version"] == stored->version);
    CHECK(Json("sessions sweep")["deleted"] == 0);
}

TEST_CASE_METHOD(AdminFixture, "outbox list shows pending and dead messages; retry requeues",
                 "[admin][outbox]") {
    chat.Text(kAlice, "/start");
    chat.Text(kBob, "/start");
    std::int64_t dead = 0;
    store->Write([&](UnitOfWork& u) {
        const auto claimed =
            u.ClaimOutbox("w", "telegram", clock.Now(), std::chrono::seconds(30), 1);
        REQUIRE(claimed.size() == 1);
        dead = claimed[0].id;
        u.MarkDead(dead, "w", "HTTP 403: Forbidden: bot was blocked by the user");
    });

    const json pending = Json("outbox list");
    REQUIRE(pending.size() == 1);
    CHECK(pending[0]["chat_id"] == kBob.user_id);
    const CommandResult list = Bookbot("outbox list --dead");
    INFO(list.output);
    CHECK(list.exit_code == 0);
    CHECK_THAT(list.output, Catch::Contains(std::to_string(dead)) &&
                                Catch::Contains("bot was blocked") &&
                                Catch::Contains("1 of 1 dead message(s)"));
    CHECK(Json("outbox list --dead")[0]["attempts"] == 1);

    const CommandResult retry = Bookbot("outbox retry " + std::to_string(dead));
    CHECK(retry.exit_code == 0);
    CHECK_THAT(retry.output, Catch::Contains("pending again"));
    store->Read([&](UnitOfWork& u) {
        CHECK(u.CountOutbox(core::OutboxStatus::kDead) == 0);
        const auto again = u.ListOutbox(core::OutboxStatus::kPending, 10);
        REQUIRE(again.size() == 2);
        CHECK(again[0].id == dead);
        CHECK(again[0].attempts == 0);
    });
    CheckFails(Bookbot("outbox retry " + std::to_string(dead)), 1, "no dead outbox message");
    CheckFails(Bookbot("outbox retry 7"), 1, "no dead outbox message with id 7");
    CheckFails(Bookbot("outbox retry x7"), 2, "ID");
    CheckFails(Bookbot("outbox list --limit 0"), 2, "limit");
}

TEST_CASE_METHOD(AdminFixture, "staff link enrols the chat that sends the code; list and remove",
                 "[admin]") {
    const json link = Json("staff link --minutes 5");
    const std::string code = link.at("code");
    CHECK(code.size() == 9);
    CHECK(link.at("command") == "/link " + code);
    CHECK(Json("staff list").empty());

    // Typed in lower case with a stray space: still the code.
    std::string typed = code;
    for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    chat.Text(kAlice, "/link " + typed + " ");
    const json listed = Json("staff list");
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].at("platform") == "telegram");
    CHECK(listed[0].at("chat_id") == kAlice.user_id);
    CHECK(listed[0].at("source") == "enrolled");

    const CommandResult removed = Bookbot("staff remove telegram " + kAlice.user_id);
    INFO(removed.output);
    CHECK(removed.exit_code == 0);
    CHECK(Json("staff list").empty());
    const CommandResult again = Bookbot("staff remove telegram " + kAlice.user_id);
    CHECK(again.exit_code == 1);
    CHECK_THAT(again.output, Catch::Contains("no enrolled staff chat telegram/" + kAlice.user_id));
}

TEST_CASE("admin commands refuse a database without the schema", "[admin]") {
    auto db = TestDatabase::Create();
    const CommandResult r =
        RunCommand(BOOKBOT_BINARY " bookings list --db " + ShellQuote(db->Url()));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("run `bookbot migrate`"));
}

}  // namespace
}  // namespace bookbot::testing
