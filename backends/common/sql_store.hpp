#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bookbot/core/store.hpp"
#include "connection_pool.hpp"
#include "row_codec.hpp"

namespace bookbot::backends {

// The Store both backends share: all of its SQL is written once, here and in
// sql_unit_of_work.cpp, over the SqlConnection a backend provides.
//
// With group commit (a backend whose writers take turns anyway: SQLite),
// concurrent write units share one transaction and so one commit (one
// fsync): the first waiting writer leads, runs the queued units one after the
// other, each inside its own SAVEPOINT, and commits once. A unit that throws
// is rolled back to its savepoint and gets its own exception; the others
// commit. If the batch itself fails (BEGIN, a savepoint, the COMMIT), no unit
// of it is committed and each gets that failure. Each caller returns only
// after the commit that holds its unit, exactly as without batching; units of
// one batch run in queue order and see the earlier ones' writes, as if run one
// after the other. Read units are never batched.
class SqlStore final : public core::Store {
public:
    // `max_batch`: units per shared transaction; 1 turns group commit off.
    SqlStore(std::string backend_name, std::string redacted_url,
             std::unique_ptr<ConnectionPool> pool, int max_batch = 1);

    void Run(Access access, const std::function<void(core::UnitOfWork&)>& work) override;
    std::vector<core::MigrationInfo> Migrate(core::TimePoint now) override;
    core::MigrationStatus GetMigrationStatus() override;
    std::vector<std::string> DescribeSchema() override;
    std::string Durability() override;
    std::string BackendName() const override { return backend_name_; }
    std::string RedactedUrl() const override { return redacted_url_; }
    std::vector<core::TableSpec> DataTables() const override;

private:
    // A write unit waiting for, or running in, a batch.
    struct Writer {
        enum class State { kQueued, kLead, kDone };
        const std::function<void(core::UnitOfWork&)>* work = nullptr;
        std::exception_ptr error;  // the unit's outcome; null: committed
        std::mutex mutex;          // guards `state`
        State state = State::kQueued;
        std::condition_variable wake;

        void Wake(State to) {
            {
                const std::lock_guard lock(mutex);
                state = to;
            }
            wake.notify_one();  // the caller holds a share of this writer
        }
    };

    // A lease with a transaction begun on a live connection.
    ConnectionPool::Lease BeginUnit(Access access);
    // Runs one unit in its own transaction.
    void RunAlone(Access access, const std::function<void(core::UnitOfWork&)>& work);
    // Queues a write unit; returns once a batch holding it has committed, or
    // rethrows the unit's failure.
    void RunBatched(const std::function<void(core::UnitOfWork&)>& work);
    // One transaction for `batch`; sets each writer's error (none: committed).
    void RunBatch(const std::vector<std::shared_ptr<Writer>>& batch);

    const std::string backend_name_;
    const std::string redacted_url_;
    std::unique_ptr<ConnectionPool> pool_;
    IdGenerator ids_;
    const int max_batch_;
    std::mutex writers_mutex_;
    std::deque<std::shared_ptr<Writer>> writers_;  // front: the leader (running or about to)
};

// The unit of work over one connection inside an open transaction. It may
// hold rows it appended (appending_connection.hpp) until its next statement:
// Finish() writes them, and must end every unit that is to be committed.
class SqlUnit : public core::UnitOfWork {
public:
    virtual void Finish() = 0;
};
std::unique_ptr<SqlUnit> MakeSqlUnitOfWork(SqlConnection& conn, IdGenerator& ids);

}  // namespace bookbot::backends
