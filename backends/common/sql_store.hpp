#pragma once

#include <functional>
#include <memory>
#include <string>

#include "bookbot/core/store.hpp"
#include "connection_pool.hpp"
#include "row_codec.hpp"

namespace bookbot::backends {

// The Store both backends share: all of its SQL is written once, here and in
// sql_unit_of_work.cpp, over the SqlConnection a backend provides.
class SqlStore final : public core::Store {
public:
    SqlStore(std::string backend_name, std::string redacted_url,
             std::unique_ptr<ConnectionPool> pool);

    void Run(Access access, const std::function<void(core::UnitOfWork&)>& work) override;
    std::vector<core::MigrationInfo> Migrate(core::TimePoint now) override;
    core::MigrationStatus GetMigrationStatus() override;
    std::vector<std::string> DescribeSchema() override;
    std::string BackendName() const override { return backend_name_; }
    std::string RedactedUrl() const override { return redacted_url_; }
    std::vector<core::TableSpec> DataTables() const override;

private:
    // A lease with a transaction begun on a live connection.
    ConnectionPool::Lease BeginUnit(Access access);

    const std::string backend_name_;
    const std::string redacted_url_;
    std::unique_ptr<ConnectionPool> pool_;
    IdGenerator ids_;
};

// The unit of work over one connection inside an open transaction.
std::unique_ptr<core::UnitOfWork> MakeSqlUnitOfWork(SqlConnection& conn, IdGenerator& ids);

}  // namespace bookbot::backends
