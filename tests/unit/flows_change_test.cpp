// The conversations that change what is stored or who answers: reschedule,
// cancel, a time taken meanwhile, the cut-off for changes, hand-over to a
// person, and a session that timed out. Through Engine::Handle on a real
// SQLite store with a fixed clock (see flow_driver.hpp).

#include <catch2/catch.hpp>

#include "flow_driver.hpp"

namespace bookbot::testing {
namespace {

using Labels = std::vector<std::string>;
const Labels kMenu = {"Book an appointment", "My bookings", "Talk to a person"};
const char* const kTooLate = "Sorry, this booking can no longer be changed here: it is too close.";

// From anywhere to the manage screen of the user's only booking.
void OpenOnlyBooking(ChatUser& user) {
    user.Say("/start");
    user.Press("My bookings");
    const Labels labels = user.Labels();
    REQUIRE(labels.size() == 2);
    user.Press(labels[0]);
}

core::Booking Only(const std::vector<core::Booking>& bookings) {
    REQUIRE(bookings.size() == 1);
    return bookings[0];
}

TEST_CASE("reschedule moves a booking: the old time is freed, the new one taken",
          "[flows][reschedule]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    BookThroughChat(alice, "Haircut · 25 EUR", "Tue 03.03.", "10:00");
    const core::Booking old = Only(bot.Bookings());

    OpenOnlyBooking(alice);
    CHECK(alice.Screen() == "Haircut on Tue 03.03. at 10:00. What would you like to do?");
    CHECK(alice.Labels() == Labels{"Reschedule", "Cancel this booking", "« Back"});
    alice.Press("Reschedule");
    CHECK(alice.Screen() == "Which day suits you for Haircut?");
    alice.Press("Wed 04.03.");
    alice.Press("11:00");
    CHECK(alice.Screen() == "Move Haircut to Wed 04.03. at 11:00?");
    alice.Press("Yes");
    CHECK(alice.Replies()[0].text == "Moved: Haircut is now on Wed 04.03. at 11:00.");
    CHECK(alice.Labels() == kMenu);

    const core::Booking moved = Only(bot.Bookings());
    CHECK(moved.id != old.id);
    CHECK(moved.customer == alice.key());
    CHECK(moved.service_id == "cut");
    CHECK(moved.starts_at == BerlinTime(2, 11));
    CHECK(bot.Cells() == std::vector<core::OccupiedCell>{{0, BerlinTime(2, 11), moved.id},
                                                         {0, BerlinTime(2, 11, 15), moved.id}});
    bot.store().Read([&](core::UnitOfWork& u) {
        CHECK(u.FindBooking(old.id)->status == core::BookingStatus::kCancelled);
    });

    // The old time is offered again.
    ChatUser bob(bot, "bob");
    BookThroughChat(bob, "Haircut · 25 EUR", "Tue 03.03.", "10:00");
}

TEST_CASE("a reschedule to a time taken meanwhile keeps the old booking", "[flows][reschedule]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    ChatUser bob(bot, "bob");
    BookThroughChat(alice, "Haircut · 25 EUR", "Tue 03.03.", "10:00");
    const core::Booking old = Only(bot.Bookings());
    OpenOnlyBooking(alice);
    alice.Press("Reschedule");
    alice.Press("Wed 04.03.");
    alice.Press("11:00");

    BookThroughChat(bob, "Haircut · 25 EUR", "Wed 04.03.", "11:00");
    alice.Press("Yes");
    CHECK(alice.Replies()[0].text == "Sorry, that time was just taken. Please pick another one.");
    CHECK(alice.Screen() == "Which time on Wed 04.03.?");
    CHECK_FALSE(alice.HasButton("11:00"));

    REQUIRE(alice.Upcoming().size() == 1);
    CHECK(alice.Upcoming()[0] == old);
    CHECK(bot.Cells().size() == 4);  // alice's two cells on Tuesday, bob's two on Wednesday
    CHECK(alice.Session().context.at("flow") == "reschedule");

    alice.Press("11:30");
    alice.Press("Yes");
    CHECK(alice.Replies()[0].text == "Moved: Haircut is now on Wed 04.03. at 11:30.");
    CHECK(Only(alice.Upcoming()).starts_at == BerlinTime(2, 11, 30));
}

TEST_CASE("cancelling asks first, then frees the time", "[flows][cancel]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    BookThroughChat(alice, "Haircut · 25 EUR", "Tue 03.03.", "10:00");
    const core::Booking booking = Only(bot.Bookings());

    OpenOnlyBooking(alice);
    alice.Press("Cancel this booking");
    CHECK(alice.Screen() == "Cancel Haircut on Tue 03.03. at 10:00?");
    CHECK(alice.Labels() == Labels{"Yes", "« Back"});
    alice.Press("« Back");
    CHECK(alice.Screen() == "Haircut on Tue 03.03. at 10:00. What would you like to do?");
    CHECK(bot.Bookings().size() == 1);

    alice.Press("Cancel this booking");
    alice.Press("Yes");
    CHECK(alice.Replies()[0].text == "Cancelled: Haircut on Tue 03.03. at 10:00.");
    CHECK(alice.Labels() == kMenu);
    CHECK(bot.Bookings().empty());
    CHECK(bot.Cells().empty());
    bot.store().Read([&](core::UnitOfWork& u) {
        CHECK(u.FindBooking(booking.id)->status == core::BookingStatus::kCancelled);
    });
    alice.Press("My bookings");
    CHECK(alice.Screen() == "You have no upcoming bookings.");
}

TEST_CASE("a time taken meanwhile gets a polite notice and other times", "[flows][taken]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    ChatUser bob(bot, "bob");
    alice.Say("/start");
    alice.Press("Book an appointment");
    alice.Press("Haircut · 25 EUR");
    alice.Press("Tue 03.03.");
    alice.Press("10:00");

    BookThroughChat(bob, "Cut and beard · 33 EUR", "Tue 03.03.", "09:45");  // until 10:30
    alice.Press("Yes");
    REQUIRE(alice.Replies().size() == 2);
    CHECK(alice.Replies()[0].text == "Sorry, that time was just taken. Please pick another one.");
    CHECK(alice.Screen() == "Which time on Tue 03.03.?");
    CHECK(alice.HasButton("09:00"));
    CHECK_FALSE(alice.HasButton("10:00"));
    CHECK(alice.HasButton("10:30"));
    CHECK(alice.Step() == "time");
    CHECK(Only(bot.Bookings()).customer == bob.key());

    // Taken while the list is shown: told so when pressing the time.
    BookThroughChat(bob, "Haircut · 25 EUR", "Tue 03.03.", "11:00");
    alice.Press("11:00");
    CHECK(alice.Texts() ==
          "Sorry, that time was just taken. Please pick another one.\nWhich time on Tue 03.03.?");
    CHECK_FALSE(alice.HasButton("11:00"));
    CHECK(alice.Step() == "time");

    alice.Press("10:30");
    alice.Press("Yes");
    CHECK(alice.Replies()[0].text == "Booked: Haircut on Tue 03.03. at 10:30. See you then!");
    CHECK(bot.Bookings().size() == 3);
}

TEST_CASE("changes are refused within the cut-off, also at the last step", "[flows][cutoff]") {
    Bot bot;  // cut-off: 120 minutes before the start
    ChatUser alice(bot, "alice");
    BookThroughChat(alice, "Haircut · 25 EUR", "Tue 03.03.", "10:00");
    const core::Booking booking = Only(bot.Bookings());

    // 07:50: still allowed to start; by the time Yes is pressed, 08:00, it is too late.
    bot.clock().Set(BerlinTime(1, 7, 50));
    OpenOnlyBooking(alice);
    alice.Press("Cancel this booking");
    CHECK(alice.Screen() == "Cancel Haircut on Tue 03.03. at 10:00?");
    bot.clock().Advance(10min);
    alice.Press("Yes");
    CHECK(alice.Replies()[0].text == kTooLate);
    CHECK(alice.Labels() == kMenu);
    CHECK(Only(bot.Bookings()) == booking);

    bot.clock().Set(BerlinTime(1, 7, 50));
    OpenOnlyBooking(alice);
    alice.Press("Reschedule");
    alice.Press("Wed 04.03.");
    alice.Press("11:00");
    bot.clock().Advance(10min);
    alice.Press("Yes");
    CHECK(alice.Replies()[0].text == kTooLate);
    CHECK(Only(bot.Bookings()) == booking);
    CHECK(bot.Cells().size() == 2);

    // At 08:00 neither change starts.
    for (const std::string change : {"Reschedule", "Cancel this booking"}) {
        CAPTURE(change);
        OpenOnlyBooking(alice);
        alice.Press(change);
        CHECK(alice.Texts() == std::string(kTooLate) + "\nWhat would you like to do?");
    }
    CHECK(Only(bot.Bookings()) == booking);
}

TEST_CASE("talk to a person: flagged, then the bot keeps quiet until resolved", "[flows][human]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    alice.Say("my hair is green");
    alice.Press("Talk to a person");
    REQUIRE(alice.Replies().size() == 1);
    CHECK(alice.Screen() ==
          "Thank you. A person will answer you here as soon as possible. Anything you write now "
          "goes to them.");
    CHECK(alice.Replies()[0].keyboard.empty());

    std::optional<core::HumanFlag> flag;
    std::vector<core::ConversationMessage> history;
    bot.store().Read([&](core::UnitOfWork& u) {
        flag = u.OpenFlag(alice.key());
        history = u.RecentMessages(alice.key(), 20);
    });
    REQUIRE(flag);
    CHECK(flag->chat_id == "chat-alice");
    CHECK(flag->created_at == bot.clock().Now());
    // A person reading the flag finds what was said before it.
    const auto said = [&](const std::string& text) {
        return std::any_of(history.begin(), history.end(), [&](const auto& m) {
            return m.direction == core::Direction::kIn && m.text == text;
        });
    };
    CHECK(said("my hair is green"));
    REQUIRE(history.size() >= 2);
    CHECK(history[history.size() - 2].text == "[button] human");
    CHECK(history.back().direction == core::Direction::kOut);

    const std::int64_t outbox = bot.OutboxSize();
    for (const std::string text : {"please call me back", "/help", "hello?"}) {
        CAPTURE(text);
        alice.Say(text);
        CHECK(alice.Replies().empty());
        bot.store().Read([&](core::UnitOfWork& u) {
            const auto last = u.RecentMessages(alice.key(), 1);
            REQUIRE(last.size() == 1);
            CHECK(last[0].text == text);
            CHECK(last[0].direction == core::Direction::kIn);
        });
    }
    CHECK(bot.OutboxSize() == outbox);

    bot.store().Write(
        [&](core::UnitOfWork& u) { REQUIRE(u.ResolveFlag(flag->id, bot.clock().Now())); });
    alice.Say("hello again");
    CHECK(alice.Texts() == "Sorry, I did not understand that.\nWhat would you like to do?");
    CHECK(alice.Labels() == kMenu);
}

TEST_CASE("a session left too long says so and starts over", "[flows][expiry]") {
    Bot bot;  // TTL: 30 minutes, sliding
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    alice.Press("Book an appointment");
    alice.Press("Haircut · 25 EUR");

    bot.clock().Advance(30min - 1ms);
    alice.Press("Tue 03.03.");
    CHECK(alice.Screen() == "Which time on Tue 03.03.?");
    bot.clock().Advance(30min - 1ms);
    alice.Press("10:00");
    CHECK(alice.Screen() == "Book Haircut on Tue 03.03. at 10:00?");

    bot.clock().Advance(30min);
    alice.Press("Yes");
    CHECK(alice.Texts() ==
          "Your previous step timed out, so we are starting over.\nWhat would you like to do?");
    CHECK(alice.Labels() == kMenu);
    CHECK(alice.Session().context == core::Context{{"step", "menu"}});
    CHECK(bot.Bookings().empty());

    // /start after a time-out: told so, then greeted.
    bot.clock().Advance(2h);
    alice.Say("/start");
    REQUIRE(alice.Replies().size() == 1);
    CHECK_THAT(alice.Screen(), Catch::StartsWith("Your previous step timed out"));
    CHECK_THAT(alice.Screen(), Catch::Contains("Hello! I am the booking assistant"));
}

}  // namespace
}  // namespace bookbot::testing
