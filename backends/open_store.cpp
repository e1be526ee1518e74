// The backend registry: the only file that knows which backends exist, and the
// only place an optional backend is switched by the preprocessor.

#include "bookbot/backends/open_store.hpp"

#include "bookbot/backends/database_url.hpp"
#include "sqlite/sqlite_store.hpp"
#if BOOKBOT_WITH_POSTGRES
#include "postgres/postgres_store.hpp"
#endif

namespace bookbot::backends {

using core::StorageError;

bool HasPostgres() { return BOOKBOT_WITH_POSTGRES != 0; }

std::unique_ptr<core::Store> OpenStore(std::string_view url, const StoreOptions& options) {
    const DatabaseUrl parsed = DatabaseUrl::Parse(url);
    try {
        switch (parsed.backend()) {
            case DatabaseUrl::Backend::kSqlite:
                return OpenSqliteStore(parsed, options);
            case DatabaseUrl::Backend::kPostgres:
#if BOOKBOT_WITH_POSTGRES
                return OpenPostgresStore(parsed, options);
#else
                throw StorageError(StorageError::Kind::kInvalid,
                                   "this bookbot was built without PostgreSQL support");
#endif
        }
    } catch (const StorageError& e) {
        // Name the database in the error (never its password).
        throw StorageError(e.kind(), "cannot open " + parsed.redacted() + ": " + e.what());
    }
    throw StorageError(StorageError::Kind::kInternal, "unhandled backend");
}

}  // namespace bookbot::backends
