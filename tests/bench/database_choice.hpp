#pragma once

#include <memory>
#include <string>

#include "bench_options.hpp"
#include "test_database.hpp"

namespace bookbot::bench {

// The database of one run: `--db URL` as given, or else a fresh one on
// `--backend`, made (and dropped afterwards) the way the tests make theirs.
std::unique_ptr<testing::TestDatabase> ChooseDatabase(const BenchOptions& options);

// "SQLite" or "PostgreSQL", for the report.
std::string BackendName(const std::string& db_url);

}  // namespace bookbot::bench
