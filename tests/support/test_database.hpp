#pragma once

// A fresh, empty database for one test, on the backend the test run is for:
// BOOKBOT_TEST_BACKEND=sqlite (a new file in a temp directory) or postgres (a
// new database on the server BOOKBOT_TEST_POSTGRES_URL names, which README's
// test command starts). Dropped again when the object goes away.

#include <memory>
#include <string>

namespace bookbot::testing {

class TestDatabase {
public:
    virtual ~TestDatabase() = default;

    // Fails the test (throws with instructions) if the backend's server is not
    // configured: PostgreSQL tests never pass silently.
    static std::unique_ptr<TestDatabase> Create();
    // The same, for a named backend ("sqlite" or "postgres").
    static std::unique_ptr<TestDatabase> Create(const std::string& backend);

    // "sqlite" or "postgres": from BOOKBOT_TEST_BACKEND (default sqlite).
    static std::string Backend();

    virtual std::string Url() const = 0;
    // Runs SQL behind the store's back, to set up states the port cannot make
    // (a tampered migration record, a schema from the future).
    virtual void ExecRaw(const std::string& sql) = 0;
    // Runs a query behind the store's back; its first row's first column as
    // text ("" if no row), e.g. SQLite's PRAGMA integrity_check.
    virtual std::string QueryText(const std::string& sql) = 0;
    // Severs every connection to the database from the server side, as a
    // server restart does. PostgreSQL only.
    virtual void TerminateConnections() = 0;
};

}  // namespace bookbot::testing
