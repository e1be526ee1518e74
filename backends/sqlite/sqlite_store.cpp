#include "sqlite_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include "../common/schema_lines.hpp"
#include "../common/sql_store.hpp"
#include "shm_fault.hpp"

namespace bookbot::backends {
namespace {

using core::StorageError;
using Kind = StorageError::Kind;

// The one place SQLite's errors become StorageError.
[[noreturn]] void Translate(const SQLite::Exception& e, bool& healthy) {
    std::string message = std::string("SQLite: ") + e.what();
    switch (e.getErrorCode()) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            throw StorageError(Kind::kUnavailable, message + " (another process holds the lock)");
        case SQLITE_CONSTRAINT:
            throw StorageError(Kind::kConflict, message);
        case SQLITE_FULL:
            throw StorageError(Kind::kUnavailable, message);
        case SQLITE_CANTOPEN:
        case SQLITE_READONLY:
        case SQLITE_PERM:
        case SQLITE_IOERR:
            // The files stopped being writable: this connection may stay
            // read-only for good, so the pool opens a new one next time.
            healthy = false;
            throw StorageError(Kind::kUnavailable, message);
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT:
            healthy = false;
            throw StorageError(Kind::kInvalid, message + " (is this a bookbot SQLite database?)");
        case SQLITE_MISMATCH:
        case SQLITE_RANGE:
        case SQLITE_TOOBIG:
            throw StorageError(Kind::kInvalid, message);
        case SQLITE_ERROR:
            // "no such table/column", syntax errors: the schema is not what we expect.
            throw StorageError(Kind::kSchema, message);
        default:
            throw StorageError(Kind::kInternal, message);
    }
}

// "$1" → "?1": the store's SQL uses PostgreSQL's placeholder form.
std::string MapPlaceholders(std::string_view sql) {
    std::string out(sql);
    bool quoted = false;
    for (std::size_t i = 0; i + 1 < out.size(); ++i) {
        if (out[i] == '\'') quoted = !quoted;
        if (!quoted && out[i] == '$' && std::isdigit(static_cast<unsigned char>(out[i + 1]))) {
            out[i] = '?';
        }
    }
    return out;
}

// The process's SQLite write lock: a mutex whose lock gives up after a
// timeout. Not std::timed_mutex: its try_lock_for is pthread_mutex_clocklock,
// which GCC 12's ThreadSanitizer does not intercept, so TSan would see every
// unlock as a bad one and no ordering between writers
// (scripts/test-tsan.sh). Built on a mutex and a condition variable, which
// it sees. Named in lower case where std::unique_lock calls it.
class TimedMutex {
public:
    bool try_lock_for(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        if (!free_.wait_for(lock, timeout, [this] { return !held_; })) return false;
        held_ = true;
        return true;
    }

    void unlock() {
        {
            const std::lock_guard lock(mutex_);
            held_ = false;
        }
        free_.notify_one();
    }

private:
    std::mutex mutex_;
    std::condition_variable free_;
    bool held_ = false;
};

class SqliteConnection final : public SqlConnection {
public:
    SqliteConnection(const std::string& path, DatabaseUrl::Synchronous synchronous,
                     std::shared_ptr<TimedMutex> write_lock, std::chrono::milliseconds timeout)
        : write_lock_(std::move(write_lock)), timeout_(timeout) {
        // Opened now, it would be read-only for good.
        sqlite::RequireWritableFiles(path);
        Guard([&] {
            db_ = std::make_unique<SQLite::Database>(path,
                                                     SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                                     static_cast<int>(timeout.count()));
            db_->exec("PRAGMA journal_mode = WAL");
            // FULL: a commit is on the disk before it returns (in WAL mode
            // NORMAL may lose the last commits on power loss).
            db_->exec(synchronous == DatabaseUrl::Synchronous::kNormal
                          ? "PRAGMA synchronous = NORMAL"
                          : "PRAGMA synchronous = FULL");
            db_->exec("PRAGMA foreign_keys = ON");
            // Every unit runs in a savepoint (group commit), whose journal of
            // pages before the change spills to a temporary file past 64 KiB:
            // open, write, unlink and close per unit, 5 % of serve's CPU in a
            // profile. In memory, it costs at most the pages one unit touches.
            db_->exec("PRAGMA temp_store = MEMORY");
        });
    }

    SqlResult Exec(std::string_view sql, const SqlParams& params) override {
        return Guard([&] {
            SQLite::Statement& stmt = Prepared(sql);
            stmt.reset();
            stmt.clearBindings();
            for (std::size_t i = 0; i < params.size(); ++i)
                Bind(stmt, static_cast<int>(i + 1), params[i]);
            const int before = db_->getTotalChanges();
            SqlResult result;
            const int columns = stmt.getColumnCount();
            while (stmt.executeStep()) {
                std::vector<SqlValue> values;
                values.reserve(columns);
                for (int c = 0; c < columns; ++c) values.push_back(ColumnValue(stmt, c));
                result.rows.emplace_back(std::move(values));
            }
            stmt.reset();
            result.affected = db_->getTotalChanges() - before;
            return result;
        });
    }

    void ExecScript(std::string_view sql) override {
        Guard([&] { db_->exec(std::string(sql)); });
    }

    void Begin(core::Store::Access access) override {
        RequireNoShmFault();
        if (access == core::Store::Access::kWrite) {
            // One writer per process at a time, queued here instead of spinning
            // on SQLite's busy handler; other processes still meet BEGIN IMMEDIATE.
            write_guard_ = std::unique_lock(*write_lock_, std::defer_lock);
            if (!write_guard_.try_lock_for(timeout_)) {
                throw StorageError(Kind::kUnavailable, "SQLite: the write lock stayed busy for " +
                                                           std::to_string(timeout_.count()) +
                                                           " ms");
            }
        }
        try {
            Guard([&] {
                db_->exec(access == core::Store::Access::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
            });
        } catch (...) {
            if (write_guard_.owns_lock()) write_guard_.unlock();
            throw;
        }
    }

    void Commit() override {
        Guard([&] { db_->exec("COMMIT"); });
        if (write_guard_.owns_lock()) write_guard_.unlock();
        // A commit through a diverged wal-index may not last: report it as
        // failed (the caller retries; a replay is recognised by the dedupe).
        RequireNoShmFault();
    }

    void Rollback() noexcept override {
        if (db_ && sqlite3_get_autocommit(db_->getHandle()) == 0) {
            if (sqlite3_exec(db_->getHandle(), "ROLLBACK", nullptr, nullptr, nullptr) !=
                SQLITE_OK) {
                healthy_ = false;
            }
        }
        if (write_guard_.owns_lock()) write_guard_.unlock();
    }

    void LockForMigrations() override {}  // BEGIN IMMEDIATE already excludes other writers.

    std::string_view SkipLockedSuffix() const override { return ""; }
    bool InListBuildsTable() const override { return true; }  // OpenEphemeral
    bool WritesInWith() const override { return false; }

    std::string Durability() override {
        static constexpr const char* kNames[] = {"off", "normal", "full", "extra"};
        const std::int64_t level = Exec("PRAGMA synchronous", {}).rows.at(0).Int(0);
        return std::string("synchronous=") +
               (level >= 0 && level <= 3 ? kNames[level] : std::to_string(level).c_str());
    }

    std::vector<std::string> DescribeSchema() override {
        std::vector<std::string> lines;
        const SqlResult tables = Exec(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", {});
        for (const SqlRow& t : tables.rows) {
            const std::string& table = t.Text(0);
            lines.push_back(TableLine(table));
            std::vector<std::string> primary;
            for (const SqlRow& c :
                 Exec("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY pk",
                      {table})
                     .rows) {
                lines.push_back(ColumnLine(table, c.Text(0), c.Text(1), c.Int(2) != 0));
                if (c.Int(3) > 0) primary.push_back(c.Text(0));
            }
            if (!primary.empty()) lines.push_back(IndexLine(table, "", primary, true, true, false));
            for (const SqlRow& i :
                 Exec("SELECT name, \"unique\", partial FROM pragma_index_list($1)"
                      " WHERE origin = 'c'",
                      {table})
                     .rows) {
                std::vector<std::string> columns;
                for (const SqlRow& ic :
                     Exec("SELECT name FROM pragma_index_info($1) ORDER BY seqno", {i.Text(0)})
                         .rows) {
                    columns.push_back(ic.Text(0));
                }
                lines.push_back(
                    IndexLine(table, i.Text(0), columns, false, i.Int(1) != 0, i.Int(2) != 0));
            }
        }
        std::sort(lines.begin(), lines.end());
        return lines;
    }

    bool Healthy() const override { return healthy_; }

private:
    void RequireNoShmFault() {
        if (!shm_epoch_.Stale()) return;
        healthy_ = false;
        throw StorageError(Kind::kUnavailable,
                           "SQLite: the -shm file stopped being writable; reconnecting");
    }

    template <typename F>
    auto Guard(F&& f) -> decltype(f()) {
        try {
            return f();
        } catch (const SQLite::Exception& e) {
            Translate(e, healthy_);
        } catch (const std::bad_alloc&) {
            throw;
        } catch (const StorageError&) {
            throw;
        } catch (const std::exception& e) {
            throw StorageError(Kind::kInternal, std::string("SQLite: ") + e.what());
        }
    }

    // The value as stored: integers stay integers (no text round trip).
    static SqlValue ColumnValue(const SQLite::Statement& stmt, int index) {
        const SQLite::Column col = stmt.getColumn(index);
        switch (col.getType()) {
            case SQLITE_NULL:
                return nullptr;
            case SQLITE_INTEGER:
                return static_cast<std::int64_t>(col.getInt64());
            default: {
                const char* text = col.getText();  // before getBytes(), as SQLite asks
                return std::string(text, static_cast<std::size_t>(col.getBytes()));
            }
        }
    }

    static void Bind(SQLite::Statement& stmt, int index, const SqlValue& value) {
        if (const auto* i = std::get_if<std::int64_t>(&value)) {
            stmt.bind(index, *i);
        } else if (const auto* s = std::get_if<std::string>(&value)) {
            stmt.bind(index, *s);
        } else {
            stmt.bind(index);
        }
    }

    SQLite::Statement& Prepared(std::string_view sql) {
        auto it = statements_.find(std::string(sql));
        if (it == statements_.end()) {
            auto stmt = std::make_unique<SQLite::Statement>(*db_, MapPlaceholders(sql));
            it = statements_.emplace(std::string(sql), std::move(stmt)).first;
        }
        return *it->second;
    }

    sqlite::ShmEpoch shm_epoch_;  // first: no connection opens beside a stale one
    std::shared_ptr<TimedMutex> write_lock_;
    std::unique_lock<TimedMutex> write_guard_;
    const std::chrono::milliseconds timeout_;
    std::unique_ptr<SQLite::Database> db_;
    // Declared after db_, so the statements are finalized before it closes.
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
    bool healthy_ = true;
};

void RequireDirectory(const DatabaseUrl& url) {
    const std::filesystem::path path(url.target());
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        throw StorageError(Kind::kInvalid, "SQLite database directory '" + dir.string() +
                                               "' does not exist: create it or correct the URL");
    }
    if (std::filesystem::is_directory(path, ec)) {
        throw StorageError(Kind::kInvalid, "SQLite database path '" + path.string() +
                                               "' is a directory: name a file");
    }
}

}  // namespace

std::unique_ptr<core::Store> OpenSqliteStore(const DatabaseUrl& url, const StoreOptions& options) {
    RequireDirectory(url);
    sqlite::InstallShmFaultHandler();
    const std::chrono::milliseconds timeout = std::chrono::seconds(options.timeout_seconds);
    auto write_lock = std::make_shared<TimedMutex>();
    auto pool = std::make_unique<ConnectionPool>(
        [path = url.target(), synchronous = url.synchronous(), write_lock, timeout] {
            return std::make_unique<SqliteConnection>(path, synchronous, write_lock, timeout);
        },
        options.pool_size, timeout);
    // Open one connection now, so a bad file fails here and not on first use.
    { ConnectionPool::Lease probe = pool->Acquire(); }
    return std::make_unique<SqlStore>("sqlite", url.redacted(), std::move(pool),
                                      options.max_write_batch);
}

}  // namespace bookbot::backends
