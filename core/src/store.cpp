#include "bookbot/core/store.hpp"

#include <algorithm>
#include <string>

namespace bookbot::core {

std::string_view KindName(StorageError::Kind kind) noexcept {
    switch (kind) {
        case StorageError::Kind::kUnavailable:
            return "unavailable";
        case StorageError::Kind::kConflict:
            return "conflict";
        case StorageError::Kind::kSchema:
            return "schema";
        case StorageError::Kind::kInvalid:
            return "invalid";
        case StorageError::Kind::kInternal:
            return "internal";
    }
    return "internal";
}

int MigrationStatus::LatestKnown() const {
    int latest = 0;
    for (const auto& m : migrations) {
        if (m.state != MigrationInfo::State::kUnknown) latest = std::max(latest, m.version);
    }
    return latest;
}

int MigrationStatus::Current() const {
    int current = 0;
    for (const auto& m : migrations) {
        if (m.applied_at) current = std::max(current, m.version);
    }
    return current;
}

bool MigrationStatus::UpToDate() const {
    return std::all_of(migrations.begin(), migrations.end(), [](const MigrationInfo& m) {
        return m.state == MigrationInfo::State::kApplied;
    });
}

std::string MigrationStatus::Problem() const {
    for (const auto& m : migrations) {
        if (m.state == MigrationInfo::State::kUnknown) {
            return "the database schema is at version " + std::to_string(Current()) +
                   ", newer than this binary knows (" + std::to_string(LatestKnown()) +
                   "): run a newer bookbot";
        }
    }
    for (const auto& m : migrations) {
        if (m.state == MigrationInfo::State::kModified) {
            return "migration " + std::to_string(m.version) + " (" + m.name +
                   ") was applied with a different checksum than this binary's copy: the "
                   "schema may not match; restore the original migration file";
        }
    }
    return {};
}

const char* ToString(MigrationInfo::State state) noexcept {
    switch (state) {
        case MigrationInfo::State::kApplied:
            return "applied";
        case MigrationInfo::State::kPending:
            return "pending";
        case MigrationInfo::State::kModified:
            return "MODIFIED";
        case MigrationInfo::State::kUnknown:
            return "UNKNOWN (newer)";
    }
    return "?";
}

void Store::RequireCurrentSchema() {
    const MigrationStatus status = GetMigrationStatus();
    if (std::string problem = status.Problem(); !problem.empty()) {
        throw StorageError(StorageError::Kind::kSchema, problem);
    }
    if (!status.UpToDate()) {
        throw StorageError(StorageError::Kind::kSchema,
                           "the database schema is at version " + std::to_string(status.Current()) +
                               " but this binary needs " + std::to_string(status.LatestKnown()) +
                               ": run `bookbot migrate`");
    }
}

int RunWithRetry(Store& store, const std::function<void(UnitOfWork&)>& work, int attempts) {
    for (int attempt = 1;; ++attempt) {
        try {
            store.Write(work);
            return attempt - 1;
        } catch (const StorageError& e) {
            if (!e.retryable() || attempt >= attempts) throw;
        }
    }
}

std::int64_t SweepExpiredSessions(Store& store, TimePoint now, std::int64_t batch) {
    std::int64_t total = 0;
    for (;;) {
        std::int64_t deleted = 0;
        store.Write([&](UnitOfWork& unit) { deleted = unit.DeleteExpiredSessions(now, batch); });
        total += deleted;
        if (deleted < batch) return total;
    }
}

}  // namespace bookbot::core
