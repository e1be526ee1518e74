// Customers' commands (/start, /book, /bookings, /cancel, /help, typed with or
// without '/', addressed to a bot in a group), a new customer's first message,
// and a chosen time that passed while the customer was deciding.

#include <catch2/catch.hpp>

#include "bookbot/core/commands.hpp"
#include "flow_driver.hpp"

namespace bookbot::testing {
namespace {

using Labels = std::vector<std::string>;
using core::CustomerCommand;
const Labels kMenu = {"Book an appointment", "My bookings", "Talk to a person"};
const char* const kGreeting =
    "Hello! I am the booking assistant of Barber Demo. What would you like to do?";

TEST_CASE("commands: which texts name which command", "[commands]") {
    using core::ParseCustomerCommand;
    CHECK(ParseCustomerCommand("/start") == CustomerCommand::kStart);
    CHECK(ParseCustomerCommand("/menu") == CustomerCommand::kStart);
    CHECK(ParseCustomerCommand("/book") == CustomerCommand::kBook);
    CHECK(ParseCustomerCommand("/bookings") == CustomerCommand::kBookings);
    CHECK(ParseCustomerCommand("/cancel") == CustomerCommand::kCancel);
    CHECK(ParseCustomerCommand("/help") == CustomerCommand::kHelp);
    // Telegram in groups, WhatsApp users typing the word, stray spaces and case.
    CHECK(ParseCustomerCommand("/book@ShopBot") == CustomerCommand::kBook);
    CHECK(ParseCustomerCommand("book") == CustomerCommand::kBook);
    CHECK(ParseCustomerCommand("  Bookings \n") == CustomerCommand::kBookings);
    CHECK(ParseCustomerCommand("/HELP") == CustomerCommand::kHelp);
    for (const char* text : {"", "/", "/booking", "/book now", "book me in", "/book@", "@ShopBot",
                             "/book@Shop Bot", "/nonsense", "//book", "bookk"}) {
        CAPTURE(text);
        CHECK_FALSE(ParseCustomerCommand(text));
    }
}

TEST_CASE("commands: the menu a platform registers, with configured texts", "[commands]") {
    core::Business shop = OneChairShop();
    shop.texts["command_book"] = "Termin buchen";
    std::vector<std::string> names;
    for (const core::CommandEntry& e : core::CustomerCommandMenu(shop)) {
        names.push_back(e.command);
        CHECK_FALSE(e.description.empty());
        if (e.command == "book") CHECK(e.description == "Termin buchen");
        if (e.command == "bookings") CHECK(e.description == "My bookings");
    }
    CHECK(names == std::vector<std::string>{"start", "book", "bookings", "cancel", "help"});

    shop.texts["command_help"] = std::string(257, 'x');
    CHECK_THROWS_WITH(core::Validate(shop), Catch::Contains("command_help"));
    shop.texts["command_help"] = "";
    for (int i = 0; i < 256; ++i) shop.texts["command_help"] += "é";  // 256 characters, 512 bytes
    CHECK_NOTHROW(core::Validate(shop));
}

TEST_CASE("/book, /bookings and /cancel move the customer from any step", "[flows][commands]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    alice.Say("/book");
    CHECK(alice.Screen() == "Which service would you like?");
    CHECK(alice.Step() == "service");
    alice.Press("Haircut · 25 EUR");
    alice.Press("Tue 03.03.");
    CHECK(alice.Step() == "time");

    // In a group, Telegram addresses the command to the bot.
    alice.Say("/bookings@BarberDemoBot");
    CHECK(alice.Screen() == "You have no upcoming bookings.");
    CHECK(alice.Step() == "mine");
    alice.Press("« Back");
    CHECK(alice.Step() == "menu");

    // The bare word, as a WhatsApp user types it.
    alice.Say("Book");
    CHECK(alice.Step() == "service");
    alice.Press("Haircut · 25 EUR");
    alice.Say("/cancel");
    CHECK(alice.Screen() == "What would you like to do?");
    CHECK(alice.Labels() == kMenu);
    CHECK(alice.Step() == "menu");
    CHECK(bot.Bookings().empty());

    alice.Say("/help");
    CHECK_THAT(alice.Replies().front().text, Catch::StartsWith("I can book an appointment"));
    CHECK(alice.Labels() == kMenu);
}

TEST_CASE("a new customer's first message gets the greeting and the menu", "[flows][commands]") {
    Bot bot;
    for (const std::string text : {"hi", "Привет 👋", "what time do you open?", "/nonsense"}) {
        CAPTURE(text);
        ChatUser newcomer(bot, "new-" + std::to_string(text.size()));
        newcomer.Say(text);
        REQUIRE(newcomer.Replies().size() == 1);
        CHECK(newcomer.Screen() == kGreeting);
        CHECK(newcomer.Labels() == kMenu);
        // The second time it is not a first contact any more.
        newcomer.Say(text);
        CHECK(newcomer.Replies().front().text == "Sorry, I did not understand that.");
    }
    ChatUser photo(bot, "photo");
    photo.Send(photo.MakeInbound(core::Inbound::Kind::kUnsupported, "photo"));
    CHECK(photo.Screen() == kGreeting);

    // A command as the first message does what it says.
    ChatUser booker(bot, "booker");
    booker.Say("/book");
    CHECK(booker.Screen() == "Which service would you like?");

    // Someone whose session is gone (swept) but who talked to the bot before
    // is not new: no greeting for their text.
    ChatUser old(bot, "old");
    old.Say("/start");
    bot.store().Write([&](core::UnitOfWork& u) { REQUIRE(u.DeleteSession(old.key())); });
    old.Say("hello");
    CHECK(old.Replies().front().text == "Sorry, I did not understand that.");
}

TEST_CASE("during a hand-off, slash commands still move the customer, words go to the person",
          "[flows][commands][human]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    alice.Press("Talk to a person");
    for (const std::string text : {"book", "/help", "cancel"}) {
        CAPTURE(text);
        alice.Say(text);
        CHECK(alice.Replies().empty());
    }
    alice.Say("/book");
    CHECK(alice.Screen() == "Which service would you like?");
}

TEST_CASE("a time that passed while the customer was on Yes is no longer available",
          "[flows][commands][book]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    alice.Press("Book an appointment");
    alice.Press("Haircut · 25 EUR");
    alice.Press("Mon 02.03.");
    alice.Press("09:00");  // Monday 08:00, one hour's notice: the first time
    CHECK(alice.Screen() == "Book Haircut on Mon 02.03. at 09:00?");

    bot.clock().Advance(std::chrono::minutes(1));  // 09:00 is now inside the notice
    alice.Press("Yes");
    CHECK(alice.Texts() ==
          "Sorry, that time is no longer available. Please pick another one.\n"
          "Which time on Mon 02.03.?");
    CHECK_FALSE(alice.HasButton("09:00"));
    CHECK(alice.HasButton("09:15"));
    CHECK(alice.Step() == "time");
    CHECK(bot.Bookings().empty());

    // A reschedule to a time that passed keeps the old booking.
    alice.Press("11:00");
    alice.Press("Yes");
    REQUIRE(bot.Bookings().size() == 1);
    alice.Press("My bookings");
    alice.Press(alice.Labels().front());
    alice.Press("Reschedule");
    alice.Press("Mon 02.03.");
    alice.Press("09:15");
    bot.clock().Advance(std::chrono::minutes(29));  // 08:30: 09:15 is inside the notice
    alice.Press("Yes");
    CHECK_THAT(alice.Texts(), Catch::StartsWith("Sorry, that time is no longer available."));
    REQUIRE(bot.Bookings().size() == 1);
    CHECK(bot.Bookings()[0].starts_at == BerlinTime(0, 11));
}

}  // namespace
}  // namespace bookbot::testing
