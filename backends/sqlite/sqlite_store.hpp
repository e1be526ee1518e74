#pragma once

#include <memory>

#include "bookbot/backends/database_url.hpp"
#include "bookbot/backends/open_store.hpp"

namespace bookbot::backends {

// The SQLite backend: WAL, a busy timeout, BEGIN IMMEDIATE for writes.
std::unique_ptr<core::Store> OpenSqliteStore(const DatabaseUrl& url, const StoreOptions& options);

}  // namespace bookbot::backends
