// The real bookbot binary, driven as a user would from a shell.

#include <catch2/catch.hpp>
#include <filesystem>

#include "run_command.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

CommandResult Bookbot(const std::string& args) { return RunCommand(BOOKBOT_BINARY " " + args); }

std::string Db(const TestDatabase& db) { return "--db " + ShellQuote(db.Url()); }

TEST_CASE("migrate applies the schema once and status lists it", "[cli]") {
    auto db = TestDatabase::Create();
    const CommandResult pending = Bookbot("migrate status " + Db(*db));
    CHECK(pending.exit_code == 0);
    CHECK_THAT(pending.output, Catch::Contains("0001     initial") && Catch::Contains("pending"));
    CHECK_THAT(pending.output, Catch::Contains("run `bookbot migrate`"));

    const CommandResult first = Bookbot("migrate " + Db(*db));
    INFO(first.output);
    CHECK(first.exit_code == 0);
    CHECK_THAT(first.output, Catch::Contains("applied 0001_initial"));
    CHECK_THAT(first.output, Catch::Contains("schema: current (version 9)"));

    const CommandResult again = Bookbot("migrate " + Db(*db));
    CHECK(again.exit_code == 0);
    CHECK_THAT(again.output, Catch::Contains("nothing to apply"));
}

TEST_CASE("the database URL may come from BOOKBOT_DATABASE_URL", "[cli]") {
    auto db = TestDatabase::Create();
    const CommandResult r =
        RunCommand("BOOKBOT_DATABASE_URL=" + ShellQuote(db->Url()) + " " BOOKBOT_BINARY " migrate");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("applied 0001_initial"));
}

TEST_CASE("without any URL, migrate uses ./data/bookbot.db", "[cli][sqlite]") {
    const auto dir = std::filesystem::temp_directory_path() / "bookbot_cli_default";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const CommandResult r =
        RunCommand("cd " + ShellQuote(dir.string()) +
                   " && env -u BOOKBOT_DATABASE_URL " BOOKBOT_BINARY " migrate");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("sqlite://data/bookbot.db"));
    CHECK(std::filesystem::exists(dir / "data" / "bookbot.db"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("a schema newer than the binary is refused by the CLI", "[cli]") {
    auto db = TestDatabase::Create();
    REQUIRE(Bookbot("migrate " + Db(*db)).exit_code == 0);
    db->ExecRaw(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
        " VALUES (99, 'from_the_future', 'x', 0)");
    const CommandResult r = Bookbot("migrate " + Db(*db));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("newer than this binary knows"));
    CHECK(Bookbot("migrate status " + Db(*db)).exit_code == 1);
}

void CheckOneLineError(const CommandResult& r, const std::string& says) {
    INFO(r.output);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::StartsWith("bookbot: error (") && Catch::Contains(says));
    CHECK(r.output.find('\n') == r.output.size() - 1);  // one line
    CHECK_THAT(r.output, !Catch::Contains("hunter2"));
}

TEST_CASE("bad databases give one clear error line and exit 1", "[cli]") {
    CheckOneLineError(Bookbot("migrate --db 'mysql://root:hunter2@db/x'"),
                      "unknown scheme 'mysql'");
    CheckOneLineError(Bookbot("migrate --db sqlite:///no-such-dir/bookbot.db"),
                      "'/no-such-dir' does not exist");
    CheckOneLineError(Bookbot("migrate status --db 'postgres://bot:hunter2@127.0.0.1:1/db'"),
                      "Connection refused");
    CheckOneLineError(Bookbot("migrate --db 'postgres://bot:hunter2@127.0.0.1:x/db'"), "port 'x'");
}

TEST_CASE("usage errors exit 2 and help exits 0", "[cli]") {
    CHECK(Bookbot("").exit_code == 2);
    CHECK(Bookbot("no-such-command").exit_code == 2);
    CHECK(Bookbot("migrate --no-such-option").exit_code == 2);
    const CommandResult help = Bookbot("migrate --help");
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.output, Catch::Contains("--db") && Catch::Contains("BOOKBOT_DATABASE_URL"));
    const CommandResult version = Bookbot("version");
    CHECK(version.exit_code == 0);
    CHECK_THAT(version.output, Catch::Contains("backends: sqlite"));
}

}  // namespace
}  // namespace bookbot::testing
