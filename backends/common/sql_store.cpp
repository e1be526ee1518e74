#include "sql_store.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "data_tables.hpp"
#include "migrator.hpp"

namespace bookbot::backends {

SqlStore::SqlStore(std::string backend_name, std::string redacted_url,
                   std::unique_ptr<ConnectionPool> pool, int max_batch)
    : backend_name_(std::move(backend_name)),
      redacted_url_(std::move(redacted_url)),
      pool_(std::move(pool)),
      max_batch_(std::max(1, max_batch)) {}

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
    if (access == Access::kWrite && max_batch_ > 1) {
        RunBatched(work);
    } else {
        RunAlone(access, work);
    }
}

void SqlStore::RunAlone(Access access, const std::function<void(core::UnitOfWork&)>& work) {
    ConnectionPool::Lease conn = BeginUnit(access);
    try {
        const auto unit = MakeSqlUnitOfWork(*conn, ids_);
        work(*unit);
        unit->Finish();
        conn->Commit();
    } catch (...) {
        conn->Rollback();
        throw;
    }
}

// Leader/follower, as LevelDB's writers queue: every writer queues itself and
// waits; the one at the front runs a batch from the front of the queue, then
// wakes the batch's writers and hands the lead to the next in line. Each
// writer is woken outside any mutex: a woken writer does not go back to sleep
// on a mutex the leader still holds, which cost a second context switch per
// writer. The queue shares each writer with its thread, so the leader can
// still notify a writer that has already returned.
void SqlStore::RunBatched(const std::function<void(core::UnitOfWork&)>& work) {
    const auto self = std::make_shared<Writer>();
    self->work = &work;
    bool lead = false;
    {
        const std::lock_guard lock(writers_mutex_);
        writers_.push_back(self);
        lead = writers_.size() == 1;
    }
    if (!lead) {
        std::unique_lock lock(self->mutex);
        self->wake.wait(lock, [&] { return self->state != Writer::State::kQueued; });
        lead = self->state == Writer::State::kLead;
    }
    if (lead) {
        // Only the leader takes writers off the queue; others only append.
        std::vector<std::shared_ptr<Writer>> batch;
        {
            const std::lock_guard lock(writers_mutex_);
            const auto size = std::min<std::size_t>(writers_.size(), max_batch_);
            batch.assign(writers_.begin(), writers_.begin() + static_cast<std::ptrdiff_t>(size));
        }
        RunBatch(batch);  // never throws: outcomes go to the writers
        std::shared_ptr<Writer> next;
        {
            const std::lock_guard lock(writers_mutex_);
            writers_.erase(writers_.begin(),
                           writers_.begin() + static_cast<std::ptrdiff_t>(batch.size()));
            if (!writers_.empty()) next = writers_.front();
        }
        if (next) next->Wake(Writer::State::kLead);  // first: the queue moves on
        for (const auto& writer : batch) {
            if (writer != self) writer->Wake(Writer::State::kDone);
        }
    }
    // Taken out of the writer: whichever thread drops the writer last, the
    // unit's exception is released by this one.
    if (const std::exception_ptr error = std::exchange(self->error, nullptr)) {
        std::rethrow_exception(error);
    }
}

void SqlStore::RunBatch(const std::vector<std::shared_ptr<Writer>>& batch) {
    std::optional<ConnectionPool::Lease> conn;
    try {
        conn.emplace(BeginUnit(Access::kWrite));
        for (const auto& writer : batch) {
            (*conn)->Exec("SAVEPOINT unit");
            try {
                const auto unit = MakeSqlUnitOfWork(**conn, ids_);  // what it holds dies with it
                (*writer->work)(*unit);
                unit->Finish();
            } catch (...) {
                writer->error = std::current_exception();
                // Undoes this unit alone (and any savepoint it left open).
                (*conn)->Exec("ROLLBACK TO SAVEPOINT unit");
            }
            (*conn)->Exec("RELEASE SAVEPOINT unit");
        }
        (*conn)->Commit();
    } catch (...) {
        // Nothing of the batch is committed: every unit that had not failed
        // on its own gets this failure.
        if (conn) (*conn)->Rollback();
        const std::exception_ptr failure = std::current_exception();
        for (const auto& writer : batch) {
            if (!writer->error) writer->error = failure;
        }
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

std::string SqlStore::Durability() {
    ConnectionPool::Lease conn = pool_->Acquire();
    return conn->Durability();
}

std::vector<core::TableSpec> SqlStore::DataTables() const { return backends::DataTables(); }

}  // namespace bookbot::backends
