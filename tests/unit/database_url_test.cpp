#include "bookbot/backends/database_url.hpp"

#include <catch2/catch.hpp>

#include "bookbot/core/storage_error.hpp"

namespace bookbot::backends {
namespace {

using core::StorageError;

TEST_CASE("SQLite URLs give a file path", "[url]") {
    CHECK(DatabaseUrl::Parse("sqlite:///var/lib/bookbot/bookbot.db").target() ==
          "/var/lib/bookbot/bookbot.db");
    CHECK(DatabaseUrl::Parse("sqlite://data/bookbot.db").target() == "data/bookbot.db");
    CHECK(DatabaseUrl::Parse("sqlite://data/bookbot.db").backend() ==
          DatabaseUrl::Backend::kSqlite);
}

TEST_CASE("PostgreSQL URLs pass through, both schemes", "[url]") {
    for (const char* url : {"postgres://bot:pw@db.internal:5432/bookbot?sslmode=require",
                            "postgresql://localhost/bookbot", "postgres://[::1]:5433/x",
                            "postgresql:///bookbot?host=/run/postgresql"}) {
        const DatabaseUrl parsed = DatabaseUrl::Parse(url);
        CHECK(parsed.backend() == DatabaseUrl::Backend::kPostgres);
        CHECK(parsed.target() == url);
    }
}

TEST_CASE("passwords never show in the redacted form", "[url]") {
    CHECK(RedactUrl("postgres://bot:s3cret@db:5432/bookbot") ==
          "postgres://bot:***@db:5432/bookbot");
    CHECK(RedactUrl("postgres://bot@db/bookbot?password=s3cret&sslmode=require") ==
          "postgres://bot@db/bookbot?password=***&sslmode=require");
    CHECK(RedactUrl("postgres://db/bookbot") == "postgres://db/bookbot");
    CHECK(DatabaseUrl::Parse("postgres://bot:s3cret@db/x").redacted() == "postgres://bot:***@db/x");
}

void CheckInvalid(const std::string& url, const std::string& says) {
    INFO(url);
    try {
        DatabaseUrl::Parse(url);
        FAIL("accepted");
    } catch (const StorageError& e) {
        CHECK(e.kind() == StorageError::Kind::kInvalid);
        CHECK_THAT(e.what(), Catch::Contains(says));
        CHECK_THAT(e.what(), Catch::Contains("sqlite:///absolute/path.db"));  // says what to do
        CHECK_THAT(e.what(), !Catch::Contains("s3cret"));
    }
}

TEST_CASE("malformed URLs are refused, saying why", "[url]") {
    CheckInvalid("", "empty URL");
    CheckInvalid("mysql://u:s3cret@host/db", "unknown scheme 'mysql'");
    CheckInvalid("bookbot.db", "no scheme");
    CheckInvalid("sqlite://", "no file path");
    CheckInvalid("sqlite:///var/lib/", "names a directory");
    CheckInvalid("postgres://u:s3cret@host:port/db", "port 'port'");
    CheckInvalid("postgres://u:s3cret@host:0/db", "port '0'");
    CheckInvalid("postgres://u:s3cret@host:70000/db", "port '70000'");
}

TEST_CASE("SQLite is durable unless the URL opts out, and unknown options are refused", "[url]") {
    using Sync = DatabaseUrl::Synchronous;
    CHECK(DatabaseUrl::Parse("sqlite:///a/b.db").synchronous() == Sync::kFull);
    CHECK(DatabaseUrl::Parse("sqlite:///a/b.db?synchronous=full").synchronous() == Sync::kFull);
    const DatabaseUrl normal = DatabaseUrl::Parse("sqlite://b.db?synchronous=normal");
    CHECK(normal.synchronous() == Sync::kNormal);
    CHECK(normal.target() == "b.db");
    for (const char* url : {"sqlite:///a/b.db?synchronous=off", "sqlite:///a/b.db?cache=shared",
                            "sqlite:///a/b.db?synchronous=normal&x=1"}) {
        INFO(url);
        try {
            DatabaseUrl::Parse(url);
            FAIL("accepted");
        } catch (const StorageError& e) {
            CHECK(e.kind() == StorageError::Kind::kInvalid);
            CHECK_THAT(e.what(), Catch::Contains("unknown option"));
            CHECK_THAT(e.what(), Catch::Contains("synchronous=normal"));
        }
    }
}

}  // namespace
}  // namespace bookbot::backends
