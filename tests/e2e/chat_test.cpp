// `bookbot chat` driven through a pipe, one process per conversation part:
// state lives in the database, so a new process continues the conversation.

#include <catch2/catch.hpp>

#include "run_command.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

CommandResult Chat(const TestDatabase& db, const std::string& user, const std::string& lines) {
    return RunCommand("printf " + ShellQuote(lines) + " | " BOOKBOT_BINARY " chat --db " +
                      ShellQuote(db.Url()) + " --user " + ShellQuote(user));
}

TEST_CASE("book, then list and cancel the booking from a new process", "[chat]") {
    auto db = TestDatabase::Create();
    // /start, Book, Haircut, the second day offered (never closer than the
    // cancellation cut-off), its first time, Yes.
    const CommandResult book = Chat(*db, "alice", "/start\n1\n1\n2\n1\n1\n");
    INFO(book.output);
    REQUIRE(book.exit_code == 0);
    CHECK_THAT(book.output, Catch::Contains("Which service would you like?"));
    REQUIRE_THAT(book.output, Catch::Contains("Booked: Haircut on "));

    const CommandResult list = Chat(*db, "alice", "2\n");
    INFO(list.output);
    CHECK_THAT(list.output, Catch::Contains("Your upcoming bookings:"));
    CHECK_THAT(list.output, Catch::Contains("[1] Haircut · "));

    // Still on the list: the booking, "Cancel this booking", Yes.
    const CommandResult cancel = Chat(*db, "alice", "1\n2\n1\n");
    INFO(cancel.output);
    CHECK_THAT(cancel.output, Catch::Contains("Cancelled: Haircut on "));

    const CommandResult after = Chat(*db, "alice", "/start\n2\n");
    CHECK_THAT(after.output, Catch::Contains("You have no upcoming bookings."));
    // Another user sees none of it.
    CHECK_THAT(Chat(*db, "bob", "/start\n2\n").output,
               Catch::Contains("You have no upcoming bookings."));
}

TEST_CASE("a flow left in the middle resumes in a new process", "[chat]") {
    auto db = TestDatabase::Create();
    const CommandResult first = Chat(*db, "carol", "/start\n1\n");
    REQUIRE_THAT(first.output, Catch::Contains("[2] Beard trim"));
    const CommandResult second = Chat(*db, "carol", "2\n");
    INFO(second.output);
    CHECK_THAT(second.output, Catch::Contains("(continuing where you left off)"));
    CHECK_THAT(second.output, Catch::Contains("Which day suits you for Beard trim?"));
}

TEST_CASE("back returns to the previous step, text gets the menu", "[chat]") {
    auto db = TestDatabase::Create();
    // Book, Haircut, then Back (the second-to-last button of the day list).
    const CommandResult r = Chat(*db, "dave", "/start\n1\nhello there\n");
    CHECK_THAT(r.output, Catch::Contains("Sorry, I did not understand that."));
    const CommandResult back = Chat(*db, "erin", "/start\n1\n4\n");  // services: [4] Back
    INFO(back.output);
    const auto last_menu = back.output.rfind("What would you like to do?");
    CHECK(last_menu > back.output.find("Which service would you like?"));
}

}  // namespace
}  // namespace bookbot::testing
