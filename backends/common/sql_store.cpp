#include "sql_store.hpp"

#include "data_tables.hpp"
#include "migrator.hpp"

namespace bookbot::backends {

SqlStore::SqlStore(std::string backend_name, std::string redacted_url,
                   std::unique_ptr<ConnectionPool> pool)
    : backend_name_(std::move(backend_name)),
      redacted_url_(std::move(redacted_url)),
      pool_(std::move(pool)) {}

void SqlStore::Run(Access access, const std::function<void(core::UnitOfWork&)>& work) {
    ConnectionPool::Lease conn = pool_->Acquire();
    conn->Begin(access);
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
