#pragma once

// Copying the store's data from one store to another through the port, and
// checking afterwards that both hold the same rows. Backend-neutral: any
// direction works (SQLite → PostgreSQL, back, or between two of a kind).

#include <cstdint>
#include <string>
#include <vector>

#include "bookbot/core/store.hpp"

namespace bookbot::app {

// Told about the copy's progress, for the command line to show.
class CopyObserver {
public:
    virtual ~CopyObserver() = default;
    // A table is about to be copied; the source holds `source_rows` rows.
    virtual void TableStarted(const core::TableSpec& table, std::int64_t source_rows) = 0;
    // A batch was committed to the target: `read` rows, `inserted` of them new.
    virtual void BatchCommitted(const core::TableSpec& table, std::int64_t read,
                                std::int64_t inserted) = 0;
    // The table is done (or was skipped because the target already had it).
    virtual void TableDone(const core::TableSpec& table, bool skipped) = 0;
};

struct CopyOptions {
    std::int64_t batch = 1000;  // rows per unit of work, on either side
    // Skip tables whose target already has as many rows as the source: what
    // `--resume` needs after an interrupted copy. Partly copied tables are
    // read again from the start; rows already there are kept, not duplicated.
    bool skip_complete = false;
};

struct TableCopyStats {
    std::string table;
    std::int64_t read = 0;      // rows read from the source
    std::int64_t inserted = 0;  // rows new to the target
    bool skipped = false;
};

// Copies every table of source.DataTables(), in that order (references hold
// at every step), batch by batch: each batch is read in one read unit of the
// source and written in one write unit of the target, so an interrupted copy
// leaves whole batches behind and can be resumed. Throws StorageError.
std::vector<TableCopyStats> CopyTables(core::Store& source, core::Store& target,
                                       const CopyOptions& options, CopyObserver& observer);

// What a table holds: its row count and a digest of its rows that does not
// depend on their order (text keys sort differently on each backend): the
// sum, modulo 2^256, of the SHA-256 of each row's typed values, as hex.
struct TableDigest {
    std::int64_t rows = 0;
    std::string sha256;

    friend bool operator==(const TableDigest&, const TableDigest&) = default;
};

// Reads the whole table through the port, `batch` rows per read unit.
TableDigest DigestTable(core::Store& store, const core::TableSpec& table, std::int64_t batch);

struct TableCheck {
    std::string table;
    TableDigest source;
    TableDigest target;

    bool Matches() const { return source == target; }
};

// DigestTable of every table on both sides.
std::vector<TableCheck> VerifyTables(core::Store& source, core::Store& target, std::int64_t batch);

}  // namespace bookbot::app
