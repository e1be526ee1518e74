#pragma once

#include <memory>
#include <string_view>

#include "bookbot/core/store.hpp"

namespace bookbot::backends {

struct StoreOptions {
    // Connections kept per process (PostgreSQL; SQLite keeps as many readers).
    int pool_size = 4;
    // How long to wait for a connection, a lock or a server before giving up
    // with StorageError kUnavailable.
    int timeout_seconds = 5;
    // SQLite: at most this many concurrent write units share one transaction
    // and one commit (group commit, see SqlStore); 1 turns batching off.
    // PostgreSQL runs write units concurrently and ignores it.
    int max_write_batch = 32;
};

// Opens the store a database URL names (see DatabaseUrl). Checks that the
// database can be reached, but neither migrates nor checks the schema.
// Throws core::StorageError: kInvalid for a bad URL or a missing directory,
// kUnavailable for a server that cannot be reached or refuses the login.
std::unique_ptr<core::Store> OpenStore(std::string_view url, const StoreOptions& options = {});

// Whether this binary was built with the backend, for `bookbot version`.
bool HasPostgres();

}  // namespace bookbot::backends
