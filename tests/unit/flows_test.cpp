// The conversations as a customer meets them, through Engine::Handle on a real
// SQLite store with a fixed clock: greeting, booking, navigation (back, cancel,
// paging), stale buttons, replays, free text and the minimum notice.
// Changes to bookings, hand-over to a person and expiry: flows_change_test.cpp.

#include <catch2/catch.hpp>

#include "flow_driver.hpp"

namespace bookbot::testing {
namespace {

using Labels = std::vector<std::string>;
const Labels kMenu = {"Book an appointment", "My bookings", "Talk to a person"};
const char* const kTakenThenTimes =
    "Sorry, that time was just taken. Please pick another one.\nWhich time on Tue 03.03.?";

// The labels of `user`'s keyboard from `first` to `first + n`.
Labels Slice(const ChatUser& user, std::size_t first, std::size_t n) {
    const Labels all = user.Labels();
    REQUIRE(all.size() >= first + n);
    return Labels(all.begin() + static_cast<std::ptrdiff_t>(first),
                  all.begin() + static_cast<std::ptrdiff_t>(first + n));
}

TEST_CASE("/start greets with the menu, /help explains and shows it", "[flows]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    REQUIRE(alice.Replies().size() == 1);
    CHECK(alice.Screen() ==
          "Hello! I am the booking assistant of Barber Demo. What would you like to do?");
    CHECK(alice.Labels() == kMenu);
    CHECK(alice.Step() == "menu");

    alice.Say("/help");
    REQUIRE(alice.Replies().size() == 2);
    CHECK_THAT(alice.Replies()[0].text, Catch::StartsWith("I can book an appointment"));
    CHECK(alice.Screen() == "What would you like to do?");
    CHECK(alice.Labels() == kMenu);
}

TEST_CASE("booking: service, day, time, confirm, and the booking is stored", "[flows][book]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    alice.Press("Book an appointment");
    CHECK(alice.Screen() == "Which service would you like?");
    CHECK(alice.Labels() == Labels{"Haircut · 25 EUR", "Beard trim · 12 EUR",
                                   "Cut and beard · 33 EUR", "« Back", "Cancel"});

    alice.Press("Haircut · 25 EUR");
    CHECK(alice.Screen() == "Which day suits you for Haircut?");
    // Monday 08:00: today still has times; Sunday is closed.
    CHECK(Slice(alice, 0, 8) == Labels{"Mon 02.03.", "Tue 03.03.", "Wed 04.03.", "Thu 05.03.",
                                       "Fri 06.03.", "Sat 07.03.", "Mon 09.03.", "Tue 10.03."});

    alice.Press("Tue 03.03.");
    CHECK(alice.Screen() == "Which time on Tue 03.03.?");
    CHECK(Slice(alice, 0, 3) == Labels{"09:00", "09:15", "09:30"});

    alice.Press("10:00");
    CHECK(alice.Screen() == "Book Haircut on Tue 03.03. at 10:00?");
    CHECK(alice.Labels() == Labels{"Yes", "« Back", "Cancel"});
    CHECK(bot.Bookings().empty());

    alice.Press("Yes");
    REQUIRE(alice.Replies().size() == 2);
    CHECK(alice.Replies()[0].text == "Booked: Haircut on Tue 03.03. at 10:00. See you then!");
    CHECK(alice.Labels() == kMenu);

    const auto bookings = bot.Bookings();
    REQUIRE(bookings.size() == 1);
    const core::Booking& b = bookings[0];
    CHECK(b.customer == alice.key());
    CHECK(b.chat_id == "chat-alice");
    CHECK(b.service_id == "cut");
    CHECK(b.starts_at == BerlinTime(1, 10));
    CHECK(b.ends_at == BerlinTime(1, 10, 30));
    CHECK(bot.Cells() == std::vector<core::OccupiedCell>{{0, BerlinTime(1, 10), b.id},
                                                         {0, BerlinTime(1, 10, 15), b.id}});
    const core::Session session = alice.Session();
    CHECK(session.context == core::Context{{"step", "menu"}});
    CHECK(session.step_history.empty());

    // The time is no longer offered, nor one that would overlap it.
    ChatUser bob(bot, "bob");
    bob.Say("/start");
    bob.Press("Book an appointment");
    bob.Press("Haircut · 25 EUR");
    bob.Press("Tue 03.03.");
    CHECK(bob.HasButton("09:30"));
    CHECK_FALSE(bob.HasButton("09:45"));
    CHECK_FALSE(bob.HasButton("10:00"));
    CHECK_FALSE(bob.HasButton("10:15"));
    CHECK(bob.HasButton("10:30"));
}

TEST_CASE("only days with a free time are offered", "[flows][book]") {
    core::Business shop = OneChairShop();
    shop.rules.weekly_hours[1] = {{9 * 60, 9 * 60 + 30}};  // Tuesdays: one haircut
    Bot bot(shop);
    ChatUser bob(bot, "bob");
    ChatUser alice(bot, "alice");

    alice.Say("/start");
    alice.Press("Book an appointment");
    alice.Press("Haircut · 25 EUR");
    CHECK(alice.HasButton("Tue 03.03."));

    BookThroughChat(bob, "Haircut · 25 EUR", "Tue 03.03.", "09:00");
    alice.Say("/start");
    alice.Press("Book an appointment");
    alice.Press("Haircut · 25 EUR");
    CHECK(Slice(alice, 0, 3) == Labels{"Mon 02.03.", "Wed 04.03.", "Thu 05.03."});
    // A 15-minute service does not fit before the haircut either.
    alice.Press("« Back");
    alice.Press("Beard trim · 12 EUR");
    CHECK_FALSE(alice.HasButton("Tue 03.03."));
}

TEST_CASE("my bookings lists the upcoming ones, earliest first", "[flows][mine]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    alice.Press("My bookings");
    CHECK(alice.Screen() == "You have no upcoming bookings.");
    CHECK(alice.Labels() == Labels{"« Back"});

    BookThroughChat(alice, "Haircut · 25 EUR", "Wed 04.03.", "11:00");
    BookThroughChat(alice, "Beard trim · 12 EUR", "Tue 03.03.", "10:00");
    ChatUser bob(bot, "bob");
    BookThroughChat(bob, "Haircut · 25 EUR", "Tue 03.03.", "09:00");

    alice.Press("My bookings");
    CHECK(alice.Screen() == "Your upcoming bookings:");
    CHECK(alice.Labels() ==
          Labels{"Beard trim · Tue 03.03. 10:00", "Haircut · Wed 04.03. 11:00", "« Back"});

    // Once it is over, a booking is no longer upcoming.
    bot.clock().Set(BerlinTime(1, 10, 15));
    alice.Say("/start");
    alice.Press("My bookings");
    CHECK(alice.Labels() == Labels{"Haircut · Wed 04.03. 11:00", "« Back"});
}

TEST_CASE("back returns to each previous step with its choices", "[flows][back]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    alice.Press("Book an appointment");
    alice.Press("Haircut · 25 EUR");
    alice.Press("Next »");  // the second page of days
    alice.Press("Wed 11.03.");
    alice.Press("Next »");  // the afternoon
    alice.Press("16:00");
    CHECK(alice.Screen() == "Book Haircut on Wed 11.03. at 16:00?");

    alice.Press("« Back");
    CHECK(alice.Screen() == "Which time on Wed 11.03.?");
    CHECK(alice.HasButton("16:00"));  // still on the page it was picked from
    CHECK(alice.Choices() == core::Context{{"step", "time"},
                                           {"flow", "book"},
                                           {"service", "cut"},
                                           {"day", "2026-03-11"},
                                           {"page", "1"}});

    alice.Press("« Back");
    CHECK(alice.Screen() == "Which day suits you for Haircut?");
    CHECK(alice.HasButton("Wed 11.03."));
    CHECK(alice.HasButton("« Previous"));

    alice.Press("« Back");
    CHECK(alice.Screen() == "Which service would you like?");
    CHECK(alice.Choices() == core::Context{{"step", "service"}, {"flow", "book"}});

    alice.Press("« Back");
    CHECK(alice.Screen() == "What would you like to do?");
    CHECK(alice.Labels() == kMenu);
    CHECK(alice.Session().step_history.empty());
    CHECK(bot.Bookings().empty());

    // A different choice after going back is taken as the new one.
    alice.Press("Book an appointment");
    alice.Press("Beard trim · 12 EUR");
    CHECK(alice.Screen() == "Which day suits you for Beard trim?");
}

TEST_CASE("cancel leaves the flow from every step", "[flows][cancel]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    const std::vector<std::string> path = {"Book an appointment", "Haircut · 25 EUR", "Tue 03.03.",
                                           "10:00"};
    for (std::size_t depth = 1; depth <= path.size(); ++depth) {
        CAPTURE(depth);
        alice.Say("/start");
        for (std::size_t i = 0; i < depth; ++i) alice.Press(path[i]);
        REQUIRE(alice.HasButton("Cancel"));
        alice.Press("Cancel");
        CHECK(alice.Screen() == "What would you like to do?");
        CHECK(alice.Labels() == kMenu);
        const core::Session session = alice.Session();
        CHECK(session.context == core::Context{{"step", "menu"}});
        CHECK(session.step_history.empty());
    }
    CHECK(bot.Bookings().empty());
}

TEST_CASE("a stale button is answered with the current state and not applied", "[flows][stale]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    alice.Press("Book an appointment");
    const std::string beard = alice.PayloadOf("Beard trim · 12 EUR");
    alice.Press("Haircut · 25 EUR");

    alice.PressPayload(beard);
    REQUIRE(alice.Replies().size() == 2);
    CHECK(alice.Replies()[0].text ==
          "That button belongs to an earlier message. Here is where we are:");
    CHECK(alice.Screen() == "Which day suits you for Haircut?");
    CHECK(alice.Session().context.at("service") == "cut");

    // An old "Yes" is not applied, even on a confirm step of another time.
    alice.Press("Tue 03.03.");
    alice.Press("10:00");
    const std::string yes_at_ten = alice.PayloadOf("Yes");
    alice.Press("« Back");
    alice.Press("11:00");
    alice.PressPayload(yes_at_ten);
    CHECK(alice.Replies()[0].text ==
          "That button belongs to an earlier message. Here is where we are:");
    CHECK(alice.Screen() == "Book Haircut on Tue 03.03. at 11:00?");
    CHECK(bot.Bookings().empty());

    // Nor is the "Yes" that booked, pressed again.
    const std::string yes = alice.PayloadOf("Yes");
    alice.Press("Yes");
    alice.PressPayload(yes);
    CHECK_THAT(alice.Texts(), Catch::StartsWith("That button belongs to an earlier message."));
    CHECK(alice.Labels() == kMenu);
    CHECK(bot.Bookings().size() == 1);
}

TEST_CASE("forged button payloads are answered and never applied", "[flows][forged]") {
    Bot bot;
    ChatUser bob(bot, "bob");
    BookThroughChat(bob, "Haircut · 25 EUR", "Tue 03.03.", "10:00");
    const core::Booking bobs = bot.Bookings().at(0);
    ChatUser alice(bot, "alice");
    // What a modified client can send: the current version, any action.
    const auto forge = [&](const std::string& action) {
        alice.PressPayload(core::Engine::StampPayload(alice.Session().version, action));
    };

    alice.Say("/start");
    alice.Press("My bookings");
    forge("bk:" + std::to_string(bobs.id));
    CHECK(alice.Replies()[0].text ==
          "That button belongs to an earlier message. Here is where we are:");
    CHECK(alice.Screen() == "You have no upcoming bookings.");
    CHECK_THAT(alice.Texts(), !Catch::Contains("Tue 03.03."));
    CHECK(alice.Step() == "mine");

    alice.Press("« Back");
    alice.Press("Book an appointment");
    alice.Press("Haircut · 25 EUR");
    alice.Press("Tue 03.03.");
    const auto ms = [](core::TimePoint t) { return std::to_string(core::ToEpochMillis(t)); };
    const std::vector<std::string> slots = {
        "9223372036854775807",
        "-9223372036854775807",
        ms(BerlinTime(1, 8)),               // before opening
        ms(BerlinTime(1, 9) + 1ms),         // off the grid
        ms(BerlinTime(1, 10)),              // bob's
        ms(BerlinTime(1, 10) + 24h * 365),  // beyond the horizon
    };
    for (const std::string& slot : slots) {
        CAPTURE(slot);
        forge("slot:" + slot + ":0");
        CHECK(alice.Texts() == kTakenThenTimes);
        CHECK(alice.Step() == "time");
    }
    CHECK(bot.Bookings().size() == 1);
}

TEST_CASE("a replayed update has exactly one effect", "[flows][replay]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    alice.Press("Book an appointment");
    alice.Press("Haircut · 25 EUR");
    alice.Press("Tue 03.03.");
    alice.Press("10:00");
    const core::Inbound yes =
        alice.MakeInbound(core::Inbound::Kind::kButton, alice.PayloadOf("Yes"));

    const core::HandleResult first = alice.Send(yes);
    CHECK_FALSE(first.duplicate);
    CHECK_THAT(first.replies.front().text, Catch::StartsWith("Booked: "));
    const std::int64_t outbox = bot.OutboxSize();
    const std::int64_t version = alice.Session().version;

    const core::HandleResult again = alice.Send(yes);
    CHECK(again.duplicate);
    CHECK(again.replies.empty());
    CHECK(bot.Bookings().size() == 1);
    CHECK(bot.OutboxSize() == outbox);
    CHECK(alice.Session().version == version);

    // A replayed text is a duplicate too, even after other updates.
    const core::Inbound hello = alice.MakeInbound(core::Inbound::Kind::kText, "hello");
    CHECK_FALSE(alice.Send(hello).duplicate);
    alice.Say("/start");
    CHECK(alice.Send(hello).duplicate);
    CHECK(bot.OutboxSize() == outbox + 3);  // "not understood" + menu, then the greeting
}

TEST_CASE("text the bot does not understand gets the menu", "[flows][text]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    alice.Press("Book an appointment");
    alice.Press("Haircut · 25 EUR");

    for (const std::string text : {"tomorrow at 10 please", "Привет 👋", "/nonsense"}) {
        CAPTURE(text);
        alice.Say(text);
        REQUIRE(alice.Replies().size() == 2);
        CHECK(alice.Replies()[0].text == "Sorry, I did not understand that.");
        CHECK(alice.Labels() == kMenu);
        CHECK(alice.Step() == "menu");
    }

    // A photo is not text: the customer stays where they are.
    alice.Press("Book an appointment");
    alice.Send(alice.MakeInbound(core::Inbound::Kind::kUnsupported, "photo"));
    CHECK(alice.Texts() ==
          "Sorry, I can only read text and button presses.\nWhich service would you like?");
    CHECK(alice.Step() == "service");
}

TEST_CASE("long lists page with next and previous", "[flows][paging]") {
    core::Business shop = OneChairShop();
    shop.services.clear();
    for (int i = 1; i <= 14; ++i) {
        shop.services.push_back({"s" + std::to_string(i), "Service " + std::to_string(i),
                                 std::chrono::minutes(30), ""});
    }
    Bot bot(shop);
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    alice.Press("Book an appointment");
    CHECK(alice.Labels() == Labels{"Service 1", "Service 2", "Service 3", "Service 4", "Service 5",
                                   "Service 6", "Next »", "« Back", "Cancel"});
    alice.Press("Next »");
    CHECK(alice.Labels() == Labels{"Service 7", "Service 8", "Service 9", "Service 10",
                                   "Service 11", "Service 12", "« Previous", "Next »", "« Back",
                                   "Cancel"});
    alice.Press("Next »");
    CHECK(alice.Labels() == Labels{"Service 13", "Service 14", "« Previous", "« Back", "Cancel"});
    alice.Press("« Previous");
    CHECK(alice.HasButton("Service 8"));

    alice.Press("Service 8");
    CHECK(alice.Screen() == "Which day suits you for Service 8?");
    // Twelve open days in the horizon: eight, then four.
    CHECK(alice.Labels().size() == 8 + 1 + 2);
    alice.Press("Next »");
    CHECK(alice.Labels() == Labels{"Wed 11.03.", "Thu 12.03.", "Fri 13.03.", "Sat 14.03.",
                                   "« Previous", "« Back", "Cancel"});
    alice.Press("« Previous");
    alice.Press("Tue 03.03.");
    // 30 times (09:00–11:30, 13:00–17:30), twelve to a page.
    CHECK(Slice(alice, 10, 3) == Labels{"11:30", "13:00", "Next »"});
    alice.Press("Next »");
    CHECK(Slice(alice, 0, 1) == Labels{"13:15"});
    alice.Press("Next »");
    CHECK(Slice(alice, 0, 1) == Labels{"16:15"});
    CHECK_FALSE(alice.HasButton("Next »"));
    alice.Press("17:30");
    CHECK(alice.Screen() == "Book Service 8 on Tue 03.03. at 17:30?");

    // Back from the day list returns to the page the service was on.
    alice.Press("« Back");
    alice.Press("« Back");
    alice.Press("« Back");
    CHECK(alice.Screen() == "Which service would you like?");
    CHECK(alice.HasButton("Service 8"));
}

TEST_CASE("times sooner than the minimum notice are not offered", "[flows][notice]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    bot.clock().Set(BerlinTime(1, 9, 20));  // Tuesday 09:20: nothing before 10:20
    alice.Say("/start");
    alice.Press("Book an appointment");
    alice.Press("Haircut · 25 EUR");
    alice.Press("Tue 03.03.");
    CHECK(Slice(alice, 0, 2) == Labels{"10:30", "10:45"});

    // Saturday 13:10: the last haircut (13:30) is too soon, so Saturday is gone.
    bot.clock().Set(BerlinTime(5, 13, 10));
    alice.Say("/start");
    alice.Press("Book an appointment");
    alice.Press("Haircut · 25 EUR");
    CHECK(Slice(alice, 0, 1) == Labels{"Mon 09.03."});
}

}  // namespace
}  // namespace bookbot::testing
