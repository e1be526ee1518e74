#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <atomic>
#include <iterator>

#include "fixture.hpp"

namespace bookbot::testing {
namespace {

using core::MigrationInfo;

TEST_CASE("a new database is migrated once, and again is a no-op", "[migrations]") {
    auto db = TestDatabase::Create();
    auto store = backends::OpenStore(db->Url());
    const core::MigrationStatus before = store->GetMigrationStatus();
    REQUIRE_FALSE(before.migrations.empty());
    CHECK(before.Current() == 0);
    CHECK_FALSE(before.UpToDate());
    REQUIRE_STORAGE_ERROR(store->RequireCurrentSchema(), kSchema);

    const auto applied = store->Migrate(kT0);
    CHECK(applied.size() == before.migrations.size());
    CHECK(store->Migrate(kT0 + 1s).empty());

    const core::MigrationStatus after = store->GetMigrationStatus();
    CHECK(after.UpToDate());
    CHECK(after.Current() == after.LatestKnown());
    CHECK(after.migrations.front().applied_at == kT0);
    store->RequireCurrentSchema();
}

TEST_CASE("processes migrating together apply each migration once", "[migrations][race]") {
    auto db = TestDatabase::Create();
    auto a = backends::OpenStore(db->Url());
    auto b = backends::OpenStore(db->Url());
    std::atomic<std::size_t> applied{0};
    RunConcurrently([&] { applied += a->Migrate(kT0).size(); },
                    [&] { applied += b->Migrate(kT0).size(); });
    const auto status = a->GetMigrationStatus();
    CHECK(applied.load() == status.migrations.size());
    CHECK(status.UpToDate());
}

TEST_CASE("a tampered migration stops the binary", "[migrations]") {
    auto db = TestDatabase::Create();
    StoreFixture::OpenAndMigrate(db->Url());
    db->ExecRaw("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
    auto store = backends::OpenStore(db->Url());
    CHECK(store->GetMigrationStatus().migrations.front().state == MigrationInfo::State::kModified);
    REQUIRE_STORAGE_ERROR(store->Migrate(kT0), kSchema);
    REQUIRE_STORAGE_ERROR(store->RequireCurrentSchema(), kSchema);
}

TEST_CASE("a schema newer than the binary stops it", "[migrations]") {
    auto db = TestDatabase::Create();
    StoreFixture::OpenAndMigrate(db->Url());
    db->ExecRaw(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
        " VALUES (9999, 'from_the_future', 'x', 0)");
    auto store = backends::OpenStore(db->Url());
    const auto status = store->GetMigrationStatus();
    CHECK(status.Current() == 9999);
    CHECK(status.migrations.back().state == MigrationInfo::State::kUnknown);
    try {
        store->RequireCurrentSchema();
        FAIL("expected a schema error");
    } catch (const core::StorageError& e) {
        CHECK(e.kind() == core::StorageError::Kind::kSchema);
        CHECK_THAT(e.what(), Catch::Contains("newer than this binary"));
    }
    REQUIRE_STORAGE_ERROR(store->Migrate(kT0), kSchema);
}

TEST_CASE("both backends build the same tables, columns and indexes", "[migrations][schema]") {
    auto db = TestDatabase::Create();
    const auto schema = StoreFixture::OpenAndMigrate(db->Url())->DescribeSchema();
    CHECK_THAT(schema, Catch::VectorContains(std::string(
                           "index booking_cells_booking on booking_cells (booking_id)")));
    CHECK_THAT(schema,
               Catch::VectorContains(std::string(
                   "index human_flags_open on human_flags (platform, user_id) unique partial")));
    CHECK_THAT(schema, Catch::VectorContains(
                           std::string("primary key booking_cells (resource, cell_start)")));
    CHECK_THAT(schema, Catch::VectorContains(
                           std::string("column conversation_sessions.version bigint not null")));
    // Every update moves its session's expires_at: indexed, no save could be
    // a heap-only update on PostgreSQL (migrations/0009).
    for (const std::string& line : schema) {
        CHECK_FALSE((line.rfind("index ", 0) == 0 &&
                     line.find(" on conversation_sessions (") != std::string::npos &&
                     line.find("expires_at") != std::string::npos));
    }
    if (TestDatabase::Backend() != "sqlite") {
        auto reference = TestDatabase::Create("sqlite");
        const auto sqlite = StoreFixture::OpenAndMigrate(reference->Url())->DescribeSchema();
        std::vector<std::string> only_here, only_in_sqlite;
        std::set_difference(schema.begin(), schema.end(), sqlite.begin(), sqlite.end(),
                            std::back_inserter(only_here));
        std::set_difference(sqlite.begin(), sqlite.end(), schema.begin(), schema.end(),
                            std::back_inserter(only_in_sqlite));
        CHECK(only_here == std::vector<std::string>{});
        CHECK(only_in_sqlite == std::vector<std::string>{});
        CHECK(schema.size() == sqlite.size());
    }
}

// The opcodes SQLite compiles `sql` into (EXPLAIN), on the database at `url`.
std::vector<std::string> SqliteOpcodes(const std::string& url, const std::string& sql) {
    // Read-write: on a read-only connection SQLite compiles no constraint checks.
    SQLite::Database db(url.substr(std::string("sqlite://").size()), SQLite::OPEN_READWRITE);
    SQLite::Statement explain(db, "EXPLAIN " + sql);
    std::vector<std::string> opcodes;
    while (explain.executeStep()) opcodes.push_back(explain.getColumn(1).getString());
    return opcodes;
}

TEST_CASE("the outbox keeps its constraints, and SQLite checks them without a temporary table",
          "[migrations][outbox]") {
    auto db = TestDatabase::Create();
    StoreFixture::OpenAndMigrate(db->Url());
    const std::string insert =
        "INSERT INTO outbox (id, platform, chat_id, body, status, attempts, next_attempt_at,"
        " last_error, created_at, delivery_status) VALUES ";
    db->ExecRaw(insert + "(1, 'telegram', 'A', 'hi', 'pending', 0, 0, '', 0, NULL)");
    db->ExecRaw(insert + "(2, 'whatsapp', 'B', 'hi', 'sent', 1, 0, '', 0, 'failed')");
    CHECK_THROWS(db->ExecRaw(insert + "(3, 'telegram', 'C', 'hi', 'queued', 0, 0, '', 0, NULL)"));
    CHECK_THROWS(db->ExecRaw(insert + "(4, 'telegram', 'D', 'hi', 'sent', 0, 0, '', 0, 'lost')"));
    CHECK_THROWS(db->ExecRaw("UPDATE outbox SET status = 'gone' WHERE id = 1"));
    CHECK(db->QueryText("SELECT COUNT(*) FROM outbox") == "2");
    CHECK(db->QueryText("SELECT status FROM outbox WHERE id = 1") == "pending");

    if (TestDatabase::Backend() == "sqlite") {
        // A CHECK (x IN (a, b, c)) made SQLite build, fill and free a b-tree
        // for every row written (migrations/0008): 8 % of serve's CPU.
        for (const std::string& sql :
             {insert + "(5, 'telegram', 'E', 'hi', 'pending', 0, 0, '', 0, NULL)",
              std::string("UPDATE outbox SET status = 'sent', delivery_status = 'read'"
                          " WHERE id = 1")}) {
            CAPTURE(sql);
            CHECK_THAT(SqliteOpcodes(db->Url(), sql),
                       !Catch::VectorContains(std::string("OpenEphemeral")));
        }
    }
}

}  // namespace
}  // namespace bookbot::testing
