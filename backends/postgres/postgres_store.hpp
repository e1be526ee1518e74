#pragma once

#include <memory>

#include "bookbot/backends/database_url.hpp"
#include "bookbot/backends/open_store.hpp"

namespace bookbot::backends {

// The PostgreSQL backend: a small pool of libpq connections that reconnects.
std::unique_ptr<core::Store> OpenPostgresStore(const DatabaseUrl& url, const StoreOptions& options);

}  // namespace bookbot::backends
