#pragma once

// The small driver interface both backends implement. Everything above it
// (the store's SQL, migrations, the pool) is written once, in backends/common.
// Backend-internal: nothing outside backends/ includes this header.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bookbot/core/store.hpp"

namespace bookbot::backends {

using SqlValue = std::variant<std::nullptr_t, std::int64_t, std::string>;
using SqlParams = std::vector<SqlValue>;

// One result row of typed values, as the driver delivered them: integer
// columns as int64 (no text round trip), text as text, NULL as nullptr. The
// accessors throw StorageError kInternal on a type surprise (Text of an
// integer, a NULL where a value is required); Int also takes an integer
// written as text (what an untyped expression may yield).
class SqlRow {
public:
    explicit SqlRow(std::vector<SqlValue> values) : values_(std::move(values)) {}

    bool IsNull(std::size_t i) const {
        return std::holds_alternative<std::nullptr_t>(values_.at(i));
    }
    const std::string& Text(std::size_t i) const;
    std::int64_t Int(std::size_t i) const;
    std::optional<std::int64_t> OptionalInt(std::size_t i) const;

private:
    std::vector<SqlValue> values_;
};

struct SqlResult {
    std::vector<SqlRow> rows;
    std::int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
};

// One database connection. Not thread-safe; the pool hands it to one unit of
// work at a time. Every method throws only core::StorageError: each backend
// translates its driver's exceptions in one function.
class SqlConnection {
public:
    virtual ~SqlConnection() = default;

    // Runs one statement. Placeholders are written $1, $2, … (PostgreSQL's
    // form; the SQLite backend maps them). Statements may be cached per text.
    virtual SqlResult Exec(std::string_view sql, const SqlParams& params = {}) = 0;
    // Runs several ;-separated statements with no parameters (migrations).
    virtual void ExecScript(std::string_view sql) = 0;

    // Transactions. kWrite takes the write lock up front (SQLite: BEGIN
    // IMMEDIATE), so a unit never fails half-way for want of it.
    virtual void Begin(core::Store::Access access) = 0;
    virtual void Commit() = 0;
    // Never throws; marks the connection broken if even that fails.
    virtual void Rollback() noexcept = 0;

    // Inside a transaction: blocks other processes' migrations until commit
    // (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE already does).
    virtual void LockForMigrations() = 0;

    // The dialect differences in the store's queries. What to append to a
    // SELECT that claims rows so concurrent claimers skip them:
    virtual std::string_view SkipLockedSuffix() const = 0;
    // Whether `x IN ($1, $2, ...)` makes the database build a temporary table
    // of the list on every execution (SQLite), so that a list of seeks is
    // better written as one statement per value joined by UNION ALL. Where it
    // does not (PostgreSQL), that UNION ALL is the worse choice: planning 32
    // terms took 3.5 ms (BusyResourcesAmong and CountOccupiedCellRows pass an
    // array instead).
    virtual bool InListBuildsTable() const = 0;
    // Whether a WITH may hold an INSERT (PostgreSQL), so that inserts into
    // two tables are one statement and one round trip. SQLite has no such
    // WITH; there each table takes its own statement, which costs no trip.
    virtual bool WritesInWith() const = 0;

    // The commit durability setting in force (see Store::Durability).
    virtual std::string Durability() = 0;

    // Tables, columns and indexes as backend-neutral lines (see Store).
    virtual std::vector<std::string> DescribeSchema() = 0;

    // False once the connection is lost or unusable: the pool drops it.
    virtual bool Healthy() const = 0;
};

}  // namespace bookbot::backends
