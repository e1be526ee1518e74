#include "test_database.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <stdexcept>

namespace bookbot::testing {
namespace {

std::string Env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

std::string UniqueSuffix() {
    static std::atomic<int> counter{0};
    return std::to_string(getpid()) + "_" + std::to_string(counter++);
}

class SqliteTestDatabase final : public TestDatabase {
public:
    SqliteTestDatabase() {
        dir_ = std::filesystem::temp_directory_path() / ("bookbot_test_" + UniqueSuffix());
        std::filesystem::create_directories(dir_);
    }
    ~SqliteTestDatabase() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    std::string Url() const override { return "sqlite://" + (dir_ / "test.db").string(); }
    void ExecRaw(const std::string& sql) override {
        SQLite::Database db((dir_ / "test.db").string(), SQLite::OPEN_READWRITE, 5000);
        db.exec(sql);
    }
    std::string QueryText(const std::string& sql) override {
        SQLite::Database db((dir_ / "test.db").string(), SQLite::OPEN_READWRITE, 5000);
        SQLite::Statement query(db, sql);
        return query.executeStep() ? query.getColumn(0).getString() : std::string();
    }
    void TerminateConnections() override {
        throw std::logic_error("TerminateConnections is for PostgreSQL only");
    }

private:
    std::filesystem::path dir_;
};

// The server URL with its database part replaced.
std::string WithDatabase(const std::string& server_url, const std::string& db) {
    const auto scheme = server_url.find("://");
    const auto slash = server_url.find('/', scheme + 3);
    const auto query = server_url.find('?');
    std::string base = server_url.substr(0, slash == std::string::npos ? query : slash);
    std::string opts = query == std::string::npos ? "" : server_url.substr(query);
    return base + "/" + db + opts;
}

class PostgresTestDatabase final : public TestDatabase {
public:
    explicit PostgresTestDatabase(std::string server_url)
        : server_url_(std::move(server_url)), name_("bookbot_t_" + UniqueSuffix()) {
        pqxx::connection admin(server_url_);
        pqxx::nontransaction tx(admin);
        tx.exec0("CREATE DATABASE " + name_);
    }
    ~PostgresTestDatabase() override {
        try {
            pqxx::connection admin(server_url_);
            pqxx::nontransaction tx(admin);
            tx.exec0("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        } catch (...) {
            // The server may be down on purpose; the whole cluster is thrown away anyway.
        }
    }
    std::string Url() const override { return WithDatabase(server_url_, name_); }
    void ExecRaw(const std::string& sql) override {
        pqxx::connection conn(Url());
        pqxx::work tx(conn);
        tx.exec(sql);
        tx.commit();
    }
    std::string QueryText(const std::string& sql) override {
        pqxx::connection conn(Url());
        pqxx::nontransaction tx(conn);
        const pqxx::result rows = tx.exec(sql);
        return rows.empty() || rows[0][0].is_null() ? std::string() : rows[0][0].as<std::string>();
    }
    void TerminateConnections() override {
        pqxx::connection admin(server_url_);
        pqxx::nontransaction tx(admin);
        tx.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " +
                tx.quote(name_));
    }

private:
    std::string server_url_;
    std::string name_;
};

}  // namespace

std::string TestDatabase::Backend() {
    const std::string b = Env("BOOKBOT_TEST_BACKEND");
    return b.empty() ? "sqlite" : b;
}

std::unique_ptr<TestDatabase> TestDatabase::Create() { return Create(Backend()); }

std::unique_ptr<TestDatabase> TestDatabase::Create(const std::string& backend) {
    if (backend == "sqlite") return std::make_unique<SqliteTestDatabase>();
    if (backend == "postgres") {
        const std::string url = Env("BOOKBOT_TEST_POSTGRES_URL");
        if (url.empty()) {
            throw std::runtime_error(
                "BOOKBOT_TEST_POSTGRES_URL is not set, so the PostgreSQL tests cannot run. Run "
                "the whole suite with README's test command (scripts/test.sh), which starts a "
                "throwaway PostgreSQL server and sets it.");
        }
        return std::make_unique<PostgresTestDatabase>(url);
    }
    throw std::runtime_error("BOOKBOT_TEST_BACKEND must be sqlite or postgres, not '" + backend +
                             "'");
}

}  // namespace bookbot::testing
