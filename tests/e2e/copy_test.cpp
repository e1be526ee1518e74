// `bookbot copy` through the real binary: round trips between backends, an
// interrupted copy resumed, and the refusals that must write nothing.

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>

#include "bookbot/backends/open_store.hpp"
#include "engine_fill.hpp"
#include "run_command.hpp"
#include "table_dump.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

using Steady = std::chrono::steady_clock;

// 2026-03-02T07:00:00Z, a Monday morning.
const core::TimePoint kStart = core::FromEpochMillis(1772434800000);

CommandResult Copy(const TestDatabase& from, const TestDatabase& to,
                   const std::string& extra = "") {
    return RunCommand(BOOKBOT_BINARY " copy --from " + ShellQuote(from.Url()) + " --to " +
                      ShellQuote(to.Url()) + " " + extra);
}

std::unique_ptr<core::Store> Open(const TestDatabase& db) { return backends::OpenStore(db.Url()); }

std::unique_ptr<core::Store> Filled(const TestDatabase& db, int users) {
    auto store = Open(db);
    store->Migrate(kStart);
    FillThroughEngine(*store, users, kStart);
    return store;
}

std::int64_t TotalRows(const TableDump& dump) {
    std::int64_t rows = 0;
    for (const auto& [table, table_rows] : dump)
        rows += static_cast<std::int64_t>(table_rows.size());
    return rows;
}

void CheckCopied(const CommandResult& r) {
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("verified: target identical to source"));
    CHECK_THAT(r.output, !Catch::Contains("MISMATCH"));
}

TEST_CASE("copy SQLite → PostgreSQL → SQLite keeps every row of an engine-filled store",
          "[copy][pgserver]") {
    auto sqlite = TestDatabase::Create("sqlite");
    auto postgres = TestDatabase::Create("postgres");
    auto back = TestDatabase::Create("sqlite");
    const auto fill_start = Steady::now();
    auto source = Filled(*sqlite, 2000);
    const TableDump original = DumpAll(*source);
    WARN("filled " << TotalRows(original) << " rows through the engine in "
                   << std::chrono::duration<double>(Steady::now() - fill_start).count() << " s");
    REQUIRE(original.at("conversation_sessions").size() == 2000);
    REQUIRE(original.at("bookings").size() > 500);
    REQUIRE(original.at("human_flags").size() == 400);
    REQUIRE(TotalRows(original) > 30000);

    const CommandResult there = Copy(*sqlite, *postgres);
    CheckCopied(there);
    WARN("SQLite → PostgreSQL: " << there.output.substr(there.output.find("copied ")));
    CHECK(DumpAll(*Open(*postgres)) == original);

    const CommandResult home = Copy(*postgres, *back);
    CheckCopied(home);
    WARN("PostgreSQL → SQLite: " << home.output.substr(home.output.find("copied ")));
    auto copy = Open(*back);
    CHECK(DumpAll(*copy) == original);

    // The ordinary operations agree too: a session near its expiry, a flag.
    const core::SessionKey user{"telegram", "5000000001998"};
    const core::TimePoint late = kStart + std::chrono::seconds(2000);
    source->Read([&](core::UnitOfWork& a) {
        copy->Read([&](core::UnitOfWork& b) {
            const auto lookup = a.LoadSession(user, late);
            REQUIRE(lookup.session);
            CHECK(lookup.session == b.LoadSession(user, late).session);
            CHECK(a.ListOpenFlags(1000) == b.ListOpenFlags(1000));
        });
    });
}

// Kills the copy half-way through conversation_messages, then resumes it.
void CheckInterruptedCopyResumes(const std::string& from_backend, const std::string& to_backend) {
    auto from = TestDatabase::Create(from_backend);
    auto to = TestDatabase::Create(to_backend);
    auto source = Filled(*from, 200);
    const TableDump original = DumpAll(*source);
    constexpr std::int64_t kBatch = 50;
    const auto batches = [&](const std::string& table) {
        return (static_cast<std::int64_t>(original.at(table).size()) + kBatch - 1) / kBatch;
    };
    const std::int64_t kill_after =
        batches("conversation_sessions") + batches("conversation_messages") / 2;

    const CommandResult killed =
        RunCommand("BOOKBOT_TEST_COPY_KILL_AFTER_BATCHES=" + std::to_string(kill_after) +
                   " " BOOKBOT_BINARY " copy --batch 50 --from " + ShellQuote(from->Url()) +
                   " --to " + ShellQuote(to->Url()));
    INFO(killed.output);
    REQUIRE(killed.exit_code == 128 + 9);  // SIGKILL
    const TableDump partial = DumpAll(*Open(*to));
    CHECK(partial.at("conversation_sessions") == original.at("conversation_sessions"));
    CHECK(static_cast<std::int64_t>(partial.at("conversation_messages").size()) ==
          (kill_after - batches("conversation_sessions")) * kBatch);
    CHECK(partial.at("outbox").empty());

    // Without --resume the half-filled target is refused; with it, finished.
    const CommandResult refused = Copy(*from, *to, "--batch 50");
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.output, Catch::Contains("is not empty") && Catch::Contains("--resume"));
    const CommandResult resumed = Copy(*from, *to, "--batch 50 --resume");
    CheckCopied(resumed);
    CHECK_THAT(resumed.output, Catch::Contains("conversation_sessions already complete, skipped"));
    CHECK(DumpAll(*Open(*to)) == original);
}

TEST_CASE("an interrupted copy into PostgreSQL resumes without duplicates", "[copy][pgserver]") {
    CheckInterruptedCopyResumes("sqlite", "postgres");
}

TEST_CASE("an interrupted copy into SQLite resumes without duplicates", "[copy][pgserver]") {
    CheckInterruptedCopyResumes("postgres", "sqlite");
}

TEST_CASE("copy within one backend, and a resume into a target with other rows fails the check",
          "[copy]") {
    auto from = TestDatabase::Create();
    auto to = TestDatabase::Create();
    auto source = Filled(*from, 30);
    CheckCopied(Copy(*from, *to, "--batch 7"));
    CHECK(DumpAll(*Open(*to)) == DumpAll(*source));

    // A row the source does not have: kept by --resume, so the check tells.
    Open(*to)->Write([](core::UnitOfWork& u) { u.PutTransportState("stray", "x", kStart); });
    const CommandResult r = Copy(*from, *to, "--resume");
    INFO(r.output);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("MISMATCH") && Catch::Contains("1 table(s) differ"));
}

TEST_CASE("copy refuses a non-empty target, another schema and bad URLs, writing nothing",
          "[copy]") {
    auto from = TestDatabase::Create();
    auto source = Filled(*from, 10);
    const TableDump original = DumpAll(*source);

    SECTION("a target with data") {
        auto to = TestDatabase::Create();
        Filled(*to, 3);
        const TableDump before = DumpAll(*Open(*to));
        const CommandResult r = Copy(*from, *to);
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.output, Catch::Contains("copy refused, nothing written") &&
                                 Catch::Contains("is not empty"));
        CHECK(DumpAll(*Open(*to)) == before);
    }
    SECTION("a target with a newer schema") {
        auto to = TestDatabase::Create();
        Open(*to)->Migrate(kStart);
        to->ExecRaw(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
            " VALUES (99, 'from_the_future', 'x', 0)");
        const CommandResult r = Copy(*from, *to);
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.output, Catch::Contains("copy refused, nothing written") &&
                                 Catch::Contains("newer than this binary knows"));
        CHECK(TotalRows(DumpAll(*Open(*to))) == 0);
    }
    SECTION("a source with a newer schema") {
        from->ExecRaw(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
            " VALUES (99, 'from_the_future', 'x', 0)");
        auto to = TestDatabase::Create();
        const CommandResult r = Copy(*from, *to);
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.output, Catch::Contains("source") && Catch::Contains("newer than this"));
        // The target was not even given the schema.
        CHECK(Open(*to)->GetMigrationStatus().Current() == 0);
    }
    SECTION("a source without the schema") {
        auto empty = TestDatabase::Create();
        auto to = TestDatabase::Create();
        const CommandResult r = Copy(*empty, *to);
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.output, Catch::Contains("run `bookbot migrate` on it first"));
        CHECK(Open(*to)->GetMigrationStatus().Current() == 0);
    }
    SECTION("bad URLs") {
        const auto dir = std::filesystem::temp_directory_path() / "bookbot_copy_bad_url";
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        const std::string target = "sqlite://" + (dir / "target.db").string();
        CommandResult r = RunCommand(
            BOOKBOT_BINARY " copy --from 'mysql://root:hunter2@db/x' --to " + ShellQuote(target));
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.output,
                   Catch::Contains("unknown scheme 'mysql'") && !Catch::Contains("hunter2"));
        CHECK_FALSE(std::filesystem::exists(dir / "target.db"));
        r = RunCommand(BOOKBOT_BINARY " copy --from " + ShellQuote(from->Url()) +
                       " --to sqlite:///no-such-dir/target.db");
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.output, Catch::Contains("'/no-such-dir' does not exist"));
        std::filesystem::remove_all(dir);
    }
    SECTION("usage errors") {
        CHECK(RunCommand(BOOKBOT_BINARY " copy --from " + ShellQuote(from->Url())).exit_code == 2);
        CHECK(RunCommand(BOOKBOT_BINARY " copy --from a --to b --batch 0").exit_code == 2);
    }
    CHECK(DumpAll(*source) == original);  // the source is only ever read
}

}  // namespace
}  // namespace bookbot::testing
