#pragma once

#include <string>

namespace bookbot::bench {

// The rate of the simplest durable write on the database `db_url` names:
// `count` one-row upserts of a 1 KB JSON text, each its own transaction, on
// one connection (as NOTES.md measures it), into a table of its own
// (bench_upsert, created if missing). SQLite is opened with the pragmas the
// bot uses (WAL, synchronous=NORMAL). Returns transactions per second.
double RawUpsertRate(const std::string& db_url, int count);

}  // namespace bookbot::bench
