// The business side through the real binary and the fake Bot API, on each
// backend: a staff chat (configured, or enrolled with /link while serve runs)
// learns of bookings and hand-offs and answers them; a chat that is not staff
// cannot use staff commands; the daily agenda goes out once, across two
// instances and across a restart past its time (serve's clock moved by the
// hidden --test-clock-file). `/book` is covered by commands_test.cpp.

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bookbot/backends/open_store.hpp"
#include "bookbot/core/store.hpp"
#include "run_command.hpp"
#include "serve_files.hpp"
#include "telegram_harness.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kStaffChat = 9001;  // a private chat: chat id = user id

// `agenda` "": no daily agenda.
std::string StaffShop(const std::string& agenda = "") {
    std::string staff = "[staff]\ntelegram_chat_ids = [" + std::to_string(kStaffChat) + "]\n";
    if (!agenda.empty()) staff += "agenda_time = \"" + agenda + "\"\n";
    return AlwaysOpenConfig("Staff Shop", "UTC",
                            "minimum_notice_minutes = 0\nchange_cutoff_minutes = 0", staff);
}

std::size_t CountStartingWith(const User& user, const std::string& prefix) {
    std::size_t n = 0;
    for (const auto& m : user.Messages()) n += m.text.starts_with(prefix) ? 1 : 0;
    return n;
}

// Messages queued or sent (any chat) whose body contains `text`.
std::size_t OutboxWith(const std::string& db_url, const std::string& text) {
    auto store = backends::OpenStore(db_url);
    std::size_t n = 0;
    store->Read([&](core::UnitOfWork& u) {
        for (auto status : {core::OutboxStatus::kPending, core::OutboxStatus::kSent}) {
            for (const auto& m : u.ListOutbox(status, 1000)) {
                n += m.body.find(text) != std::string::npos ? 1 : 0;
            }
        }
    });
    return n;
}

TEST_CASE("a booking is announced in the staff chat", "[staff]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    ServeFiles files(StaffShop());
    Serve serve(db->Url(), api, Serve::Mode::kWebhook, files.Args());
    User ana(api, 8001);
    User staff(api, kStaffChat);
    // "Booked: Haircut on DAY at TIME. See you then!"
    const std::string booked = BookFirstFreeTime(serve, ana);
    const std::string when = booked.substr(0, booked.find(". See you then!"))
                                 .substr(std::string("Booked: Haircut ").size());
    REQUIRE(staff.WaitFor("New booking: Haircut on"));
    // The same day and time as the customer was told, and the customer's name.
    CHECK(staff.Messages().at(0).text == "New booking: Haircut " + when + " for Ana.");
    CHECK(staff.Messages().size() == 1);
}

TEST_CASE("a hand-off goes round through the staff chat: notified, forwarded, answered, Done",
          "[staff]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    ServeFiles files(StaffShop());
    Serve serve(db->Url(), api, Serve::Mode::kWebhook, files.Args());
    User ana(api, 8002);
    User staff(api, kStaffChat);

    REQUIRE(serve.Post(ana.Text("/start")).status == 200);
    REQUIRE(ana.WaitFor("What would you like to do?"));
    REQUIRE(serve.Post(ana.Press("Talk to a person")).status == 200);
    REQUIRE(ana.WaitFor("A person will answer you here"));
    // The staff are told, with the conversation so far and Reply / Done.
    REQUIRE(staff.WaitFor("Ana asks for a person."));
    const auto notice = staff.Messages().at(0);
    CHECK(notice.text.find("› /start") != std::string::npos);
    REQUIRE(notice.buttons.size() == 2);

    // What the customer writes now goes to the staff, not to the bot.
    REQUIRE(serve.Post(ana.Text("Can I bring my dog?")).status == 200);
    REQUIRE(staff.WaitFor("Ana: Can I bring my dog?"));
    REQUIRE(serve.Post(staff.Press("Reply")).status == 200);
    // (A hand-off names the customer by id: the flag keeps no display name.)
    REQUIRE(staff.WaitFor("Your next messages go to telegram user 8002."));
    REQUIRE(serve.Post(staff.Text("Of course, bring him.")).status == 200);
    REQUIRE(ana.WaitFor("Of course, bring him."));
    REQUIRE(staff.WaitFor("Sent to telegram user 8002."));

    REQUIRE(serve.Post(staff.Press("Done")).status == 200);
    REQUIRE(staff.WaitFor("Hand-off with telegram user 8002 closed"));
    REQUIRE(ana.WaitFor("The person has closed this conversation."));
    // Back at the menu: its buttons work (stamped with the current session).
    REQUIRE(serve.Post(ana.Press("Book an appointment")).status == 200);
    REQUIRE(ana.WaitFor("Which service"));

    // The customer heard nothing from the bot while the person had the conversation.
    std::vector<std::string> texts;
    for (const auto& m : ana.Messages()) texts.push_back(m.text.substr(0, 30));
    // (A press's answer replaces the message that had the button.)
    CHECK(texts == std::vector<std::string>{
                       "Thank you. A person will answe",  // the menu of /start, pressed
                       "Of course, bring him.",
                       "Which service would you like?",  // "closed" and the menu, pressed
                   });
    // The staff chat: the hand-off, the forward, "replying", "sent", "closed".
    CHECK(staff.Messages().size() == 5);
}

TEST_CASE("a chat that is not staff cannot use staff commands", "[staff]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    ServeFiles files(StaffShop());
    Serve serve(db->Url(), api, Serve::Mode::kWebhook, files.Args());
    User ana(api, 8003);
    User mallory(api, 8004);
    User staff(api, kStaffChat);
    BookFirstFreeTime(serve, ana);
    std::vector<core::Booking> bookings;
    backends::OpenStore(db->Url())->Read([&](core::UnitOfWork& u) {
        const auto now =
            std::chrono::time_point_cast<core::Millis>(std::chrono::system_clock::now());
        bookings = u.BookingsBetween(now - 24h, now + 24h * 30);
    });
    REQUIRE(bookings.size() == 1);
    const std::string id = std::to_string(bookings[0].id);

    REQUIRE(serve.Post(mallory.Text("/start")).status == 200);
    REQUIRE(mallory.WaitForMessages(1));
    for (const std::string& command :
         std::vector<std::string>{"/today", "/flags", "/cancel_booking " + id, "/done"}) {
        const std::size_t before = mallory.Messages().size();
        REQUIRE(serve.Post(mallory.Text(command)).status == 200);
        REQUIRE(mallory.WaitForMessages(before + 2));  // the notice, then the menu
        CHECK(mallory.Messages().at(before).text == "Sorry, I did not understand that.");
    }
    // The booking stands; its customer was told nothing.
    backends::OpenStore(db->Url())->Read([&](core::UnitOfWork& u) {
        CHECK(u.FindBooking(bookings[0].id)->status == core::BookingStatus::kConfirmed);
    });
    CHECK(CountStartingWith(ana, "Sorry, Staff Shop had to cancel") == 0);

    // The same command from the staff chat does act.
    REQUIRE(serve.Post(staff.Text("/cancel_booking " + id)).status == 200);
    REQUIRE(ana.WaitFor("Sorry, Staff Shop had to cancel"));
}

TEST_CASE("a chat enrolled with /link while serve runs is staff from its next message", "[staff]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    ServeFiles files(StaffShop());
    Serve serve(db->Url(), api, Serve::Mode::kWebhook, files.Args());
    User carol(api, 8005);
    User ana(api, 8006);

    // Not staff yet (and known to serve as not staff).
    REQUIRE(serve.Post(carol.Text("/start")).status == 200);
    REQUIRE(serve.Post(carol.Text("/flags")).status == 200);
    REQUIRE(carol.WaitFor("Sorry, I did not understand that."));

    const CommandResult link =
        RunCommand(std::string(BOOKBOT_BINARY) + " staff link --db " + ShellQuote(db->Url()));
    REQUIRE(link.exit_code == 0);
    const auto at = link.output.find("/link ");
    REQUIRE(at != std::string::npos);
    const std::string code = link.output.substr(at + 6, 9);  // XXXX-XXXX

    REQUIRE(serve.Post(carol.Text("/link " + code)).status == 200);
    REQUIRE(carol.WaitFor("This chat is now a staff chat of Staff Shop."));
    REQUIRE(serve.Post(carol.Text("/flags")).status == 200);
    REQUIRE(carol.WaitFor("No open hand-offs."));
    // And it is told of bookings, next to the configured staff chat.
    BookFirstFreeTime(serve, ana);
    REQUIRE(carol.WaitFor("New booking: Haircut on"));
    REQUIRE(User(api, kStaffChat).WaitFor("New booking: Haircut on"));
}

// Tomorrow (UTC) at hh:mm, so the moved clock is always ahead of the real one.
std::chrono::system_clock::time_point TomorrowAt(int hour, int minute) {
    using std::chrono::days;
    const auto today = std::chrono::floor<days>(std::chrono::system_clock::now());
    return today + days(1) + std::chrono::hours(hour) + std::chrono::minutes(minute);
}

std::string Day(std::chrono::system_clock::time_point at) {
    const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(at)};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return text;
}

// The agenda outcome serve logged first (from log line `from` on).
std::string AgendaOutcome(Serve& serve, std::size_t from = 0) {
    const auto line = serve.process().WaitForLine("staff.agenda ", 20s, from);
    if (!line) FAIL("no staff.agenda line:\n" << serve.process().Output());
    const auto at = line->find("outcome=");
    REQUIRE(at != std::string::npos);
    std::string outcome = line->substr(at + 8);
    outcome = outcome.substr(0, outcome.find_first_of(" \n"));
    std::erase(outcome, '"');
    return outcome;
}

TEST_CASE("the daily agenda is sent once by two instances", "[staff][agenda][two]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    ServeFiles files(StaffShop("12:00"));
    files.SetNow(TomorrowAt(12, 5));
    User staff(api, kStaffChat);
    Serve first(db->Url(), api, Serve::Mode::kWebhook, files.Args());
    Serve second(db->Url(), api, Serve::Mode::kWebhook, files.Args());
    const std::string expected = "No bookings on " + Day(TomorrowAt(12, 5)) + ".";
    REQUIRE(staff.WaitFor(expected));
    // Each instance looked at it once at its start: one sent, one found it sent.
    const std::string a = AgendaOutcome(first);
    const std::string b = AgendaOutcome(second);
    CHECK(((a == "sent" && b == "already_sent") || (a == "already_sent" && b == "sent")));
    CHECK(OutboxWith(db->Url(), "No bookings on") == 1);
    CHECK(staff.Messages().size() == 1);
}

TEST_CASE("the daily agenda goes out late after a restart past its time, once", "[staff][agenda]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    ServeFiles files(StaffShop("12:00"));
    User staff(api, kStaffChat);
    files.SetNow(TomorrowAt(11, 50));
    {
        Serve before(db->Url(), api, Serve::Mode::kWebhook, files.Args());
        CHECK(AgendaOutcome(before) == "not_due");
    }  // down (SIGKILL) over the agenda time
    files.SetNow(TomorrowAt(12, 20));
    {
        Serve late(db->Url(), api, Serve::Mode::kWebhook, files.Args());
        CHECK(AgendaOutcome(late) == "sent");
        REQUIRE(staff.WaitFor("No bookings on " + Day(TomorrowAt(12, 20)) + "."));
    }
    Serve again(db->Url(), api, Serve::Mode::kWebhook, files.Args());
    CHECK(AgendaOutcome(again) == "already_sent");
    CHECK(OutboxWith(db->Url(), "No bookings on") == 1);
    CHECK(staff.Messages().size() == 1);
}

}  // namespace
}  // namespace bookbot::testing
