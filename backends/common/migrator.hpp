#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bookbot/core/migration.hpp"
#include "sql_connection.hpp"

namespace bookbot::backends {

// Compares the embedded migrations with what the database recorded. Runs
// outside any transaction; a database without the bookkeeping table reads as
// "nothing applied".
core::MigrationStatus ReadMigrationStatus(SqlConnection& conn);

// Applies pending migrations in order, each in its own transaction under the
// migration lock, re-checking what is applied after taking the lock (so two
// processes starting together apply each migration once). Refuses with
// StorageError kSchema on a modified or unknown migration.
std::vector<core::MigrationInfo> ApplyMigrations(SqlConnection& conn, core::TimePoint now);

// Lower-case hex SHA-256 of `data` (migration checksums, stored enrolment
// codes). Throws StorageError kInternal if OpenSSL fails.
std::string Sha256Hex(std::string_view data);

}  // namespace bookbot::backends
