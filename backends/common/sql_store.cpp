#include "sql_store.hpp"

#include "data_tables.hpp"
#include "migrator.hpp"

namespace bookbot::backends {

SqlStore::SqlStore(std::string backend_name, std::string redacted_url,
                   std::unique_ptr<ConnectionPool> pool)
    : backend_name_(std::move(backend_name)),
      redacted_url_(std::move(redacted_url)),
      pool_(std::move(pool)) {}

ConnectionPool::Lease SqlStore::BeginUnit(Access access) {
    // An idle connection the server dropped (a restart, an idle timeout)
    // fails at BEGIN, before any work ran; it is discarded on return, and the
    // unit starts again on the next one, at worst a new connection.
    for (int attempt = 0;; ++attempt) {
        ConnectionPool::Lease conn = pool_->Acquire();
        try {
            conn->Begin(access);
            return conn;
        } catch (const core::StorageError& e) {
            if (e.kind() != core::StorageError::Kind::kUnavailable || conn->Healthy() ||
                attempt > pool_->MaxSize()) {
                throw;
            }
        }
    }
}

void SqlStore::Run(Access access, const std::function<void(core::UnitOfWork&)>& work) {
    ConnectionPool::Lease conn = BeginUnit(access);
    try {
        const auto unit = MakeSqlUnitOfWork(*conn, ids_);
        work(*unit);
        conn->Commit();
    } catch (...) {
        conn->Rollback();
        throw;
    }
}

std::vector<core::MigrationInfo> SqlStore::Migrate(core::TimePoint now) {
    ConnectionPool::Lease conn = pool_->Acquire();
    return ApplyMigrations(*conn, now);
}

core::MigrationStatus SqlStore::GetMigrationStatus() {
    ConnectionPool::Lease conn = pool_->Acquire();
    return ReadMigrationStatus(*conn);
}

std::vector<std::string> SqlStore::DescribeSchema() {
    ConnectionPool::Lease conn = pool_->Acquire();
    return conn->DescribeSchema();
}

std::vector<core::TableSpec> SqlStore::DataTables() const { return backends::DataTables(); }

}  // namespace bookbot::backends
