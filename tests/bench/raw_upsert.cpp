#include "raw_upsert.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>

#include "bookbot/backends/database_url.hpp"

#if BOOKBOT_BENCH_WITH_POSTGRES
#include <pqxx/pqxx>
#endif

namespace bookbot::bench {
namespace {

constexpr int kKeys = 1000;  // rows the upserts cycle through

// About 1 KB of JSON, like a session's context.
std::string KilobyteJson(int i) {
    std::string json = R"({"step":"time","service":"cut","day":"2026-05-04","n":)" +
                       std::to_string(i) + R"(,"pad":")";
    json.append(1024 - json.size() - 2, 'x');
    return json + "\"}";
}

template <typename Upsert>
double Time(int count, Upsert&& upsert) {
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < count; ++i) upsert(i % kKeys, KilobyteJson(i));
    return count /
           std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

double SqliteRate(const std::string& path, int count) {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("CREATE TABLE IF NOT EXISTS bench_upsert (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    SQLite::Statement upsert(db,
                             "INSERT INTO bench_upsert (id, body) VALUES (?, ?)"
                             " ON CONFLICT (id) DO UPDATE SET body = excluded.body");
    return Time(count, [&](int id, const std::string& body) {
        SQLite::Transaction tx(db);
        upsert.reset();
        upsert.bind(1, static_cast<std::int64_t>(id));
        upsert.bind(2, body);
        upsert.exec();
        tx.commit();
    });
}

#if BOOKBOT_BENCH_WITH_POSTGRES
double PostgresRate(const std::string& url, int count) {
    pqxx::connection c(url);
    {
        pqxx::work tx(c);
        tx.exec0(
            "CREATE TABLE IF NOT EXISTS bench_upsert (id BIGINT PRIMARY KEY, body TEXT NOT NULL)");
        tx.commit();
    }
    c.prepare("upsert",
              "INSERT INTO bench_upsert (id, body) VALUES ($1, $2)"
              " ON CONFLICT (id) DO UPDATE SET body = excluded.body");
    return Time(count, [&](int id, const std::string& body) {
        pqxx::work tx(c);
        tx.exec_prepared0("upsert", id, body);
        tx.commit();
    });
}
#endif

}  // namespace

double RawUpsertRate(const std::string& db_url, int count) {
    const auto url = backends::DatabaseUrl::Parse(db_url);
    if (url.backend() == backends::DatabaseUrl::Backend::kSqlite) {
        return SqliteRate(url.target(), count);
    }
#if BOOKBOT_BENCH_WITH_POSTGRES
    return PostgresRate(url.target(), count);
#else
    throw std::runtime_error("this bookbot_bench was built without PostgreSQL");
#endif
}

}  // namespace bookbot::bench
