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

}  // namespace
}  // namespace bookbot::testing
