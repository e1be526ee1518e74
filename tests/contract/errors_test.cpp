#include <cstdlib>

#include "fixture.hpp"

namespace bookbot::testing {
namespace {

using core::StorageError;

// The error OpenStore gives for `url`, or fails the test.
StorageError OpenError(const std::string& url) {
    try {
        backends::OpenStore(url);
    } catch (const StorageError& e) {
        return e;
    }
    FAIL("OpenStore(" << url << ") did not fail");
    throw std::logic_error("unreachable");
}

TEST_CASE("bad database URLs are refused with a clear error", "[errors]") {
    const StorageError unknown = OpenError("mysql://root@localhost/db");
    CHECK(unknown.kind() == StorageError::Kind::kInvalid);
    CHECK_THAT(unknown.what(), Catch::Contains("unknown scheme 'mysql'"));

    const StorageError missing_dir = OpenError("sqlite:///nonexistent-dir/sub/bookbot.db");
    CHECK(missing_dir.kind() == StorageError::Kind::kInvalid);
    CHECK_THAT(missing_dir.what(), Catch::Contains("/nonexistent-dir/sub' does not exist"));

    const StorageError bad_port = OpenError("postgres://u:hunter2@localhost:99999/db");
    CHECK(bad_port.kind() == StorageError::Kind::kInvalid);
    CHECK_THAT(bad_port.what(), !Catch::Contains("hunter2"));
}

TEST_CASE("a file that is not a database is refused", "[errors][sqlite]") {
    auto db = TestDatabase::Create("sqlite");
    const std::string path = db->Url().substr(std::string("sqlite://").size());
    REQUIRE(std::system(("echo 'not a database, just text' > " + path).c_str()) == 0);
    CHECK(OpenError(db->Url()).kind() == StorageError::Kind::kInvalid);
}

TEST_CASE("an unreachable server is unavailable, with the password masked", "[errors][postgres]") {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const StorageError e = OpenError("postgresql://bookbot:hunter2@127.0.0.1:1/bookbot");
    CHECK(e.kind() == StorageError::Kind::kUnavailable);
    CHECK_THAT(e.what(), Catch::Contains("bookbot:***@127.0.0.1:1"));
    CHECK_THAT(e.what(), !Catch::Contains("hunter2"));
}

TEST_CASE("a wrong password is unavailable, with the password masked", "[errors][pgserver]") {
    auto db = TestDatabase::Create();
    db->ExecRaw(
        "DO $$ BEGIN CREATE ROLE bookbot_pw LOGIN PASSWORD 'right'; EXCEPTION WHEN "
        "duplicate_object THEN NULL; END $$");
    std::string url = db->Url();
    url.replace(url.find("://") + 3, url.find('@') - url.find("://") - 3,
                "bookbot_pw:wrong-secret");
    const StorageError e = OpenError(url);
    CHECK(e.kind() == StorageError::Kind::kUnavailable);
    CHECK_THAT(e.what(), Catch::Contains("password authentication failed"));
    CHECK_THAT(e.what(), !Catch::Contains("wrong-secret"));
}

TEST_CASE("a connection severed while idle is replaced before the next unit runs",
          "[errors][pgserver]") {
    StoreFixture f;
    f.store->Write([](core::UnitOfWork& u) { u.PutTransportState("k", "before", kT0); });
    f.db->TerminateConnections();
    std::optional<std::string> value;
    f.store->Read([&](core::UnitOfWork& u) { value = u.GetTransportState("k"); });
    CHECK(value == "before");
}

TEST_CASE("a stopped server is unavailable, and the store recovers when it is back",
          "[errors][pgserver][restart]") {
    const char* stop = std::getenv("BOOKBOT_TEST_POSTGRES_STOP");
    const char* start = std::getenv("BOOKBOT_TEST_POSTGRES_START");
    if (!stop || !start) {
        FAIL("BOOKBOT_TEST_POSTGRES_STOP/START are not set: run the suite with scripts/test.sh");
    }
    StoreFixture f;
    f.store->Write([](core::UnitOfWork& u) { u.PutTransportState("k", "kept", kT0); });
    // Two units at once leave two idle connections in the pool, both of which
    // the restart below kills.
    f.store->Read([&](core::UnitOfWork&) { f.store->Read([](core::UnitOfWork&) {}); });
    REQUIRE(std::system(stop) == 0);
    REQUIRE_STORAGE_ERROR(f.store->Read([](core::UnitOfWork& u) { u.GetTransportState("k"); }),
                          kUnavailable);
    REQUIRE(std::system(start) == 0);
    // The first unit after the restart succeeds: a dead idle connection is
    // replaced before any work runs.
    std::optional<std::string> value;
    f.store->Read([&](core::UnitOfWork& u) { value = u.GetTransportState("k"); });
    CHECK(value == "kept");
}

}  // namespace
}  // namespace bookbot::testing
