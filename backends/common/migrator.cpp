#include "migrator.hpp"

#include <openssl/evp.h>

#include <map>
#include <string>

#include "embedded_migrations.hpp"

namespace bookbot::backends {
namespace {

using core::MigrationInfo;
using core::StorageError;

constexpr std::string_view kCreateBookkeeping =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER NOT NULL PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " checksum TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

struct Recorded {
    std::string name;
    std::string checksum;
    std::int64_t applied_at;
};

std::map<int, Recorded> ReadRecorded(SqlConnection& conn) {
    std::map<int, Recorded> recorded;
    const SqlResult r =
        conn.Exec("SELECT version, name, checksum, applied_at FROM schema_migrations");
    for (const SqlRow& row : r.rows) {
        recorded[static_cast<int>(row.Int(0))] = {row.Text(1), row.Text(2), row.Int(3)};
    }
    return recorded;
}

core::MigrationStatus Compare(const std::map<int, Recorded>& recorded) {
    core::MigrationStatus status;
    for (const EmbeddedMigration& m : EmbeddedMigrations()) {
        MigrationInfo info{m.version, std::string(m.name), Sha256Hex(m.sql),
                           MigrationInfo::State::kPending, std::nullopt};
        if (auto it = recorded.find(m.version); it != recorded.end()) {
            info.applied_at = core::FromEpochMillis(it->second.applied_at);
            info.state = it->second.checksum == info.checksum ? MigrationInfo::State::kApplied
                                                              : MigrationInfo::State::kModified;
        }
        status.migrations.push_back(std::move(info));
    }
    const int known = static_cast<int>(EmbeddedMigrations().size());
    for (const auto& [version, rec] : recorded) {
        if (version > known) {
            status.migrations.push_back({version, rec.name, rec.checksum,
                                         MigrationInfo::State::kUnknown,
                                         core::FromEpochMillis(rec.applied_at)});
        }
    }
    return status;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
        throw StorageError(StorageError::Kind::kInternal, "SHA-256 failed");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < size; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0xf];
    }
    return hex;
}

core::MigrationStatus ReadMigrationStatus(SqlConnection& conn) {
    conn.Begin(core::Store::Access::kRead);
    try {
        std::map<int, Recorded> recorded;
        try {
            recorded = ReadRecorded(conn);
        } catch (const StorageError& e) {
            if (e.kind() != StorageError::Kind::kSchema) throw;
            // No bookkeeping table yet: a new database, nothing applied.
            conn.Rollback();
            return Compare({});
        }
        conn.Commit();
        return Compare(recorded);
    } catch (...) {
        conn.Rollback();
        throw;
    }
}

std::vector<MigrationInfo> ApplyMigrations(SqlConnection& conn, core::TimePoint now) {
    // Nearly every start finds the schema current: a read transaction says so
    // without queueing for the write lock once per migration. On SQLite that
    // lock is shared by every process on the file: fifty `bookbot chat`
    // processes starting at once (tests/e2e/race_test.cpp) each took it once
    // per migration on top of the one write they came for, and under ASan
    // the last ones waited past the busy timeout. Anything else (pending, or
    // a problem to report) goes through the locked path below, which checks
    // again under the lock.
    if (ReadMigrationStatus(conn).UpToDate()) return {};
    std::vector<MigrationInfo> applied;
    for (const EmbeddedMigration& m : EmbeddedMigrations()) {
        conn.Begin(core::Store::Access::kWrite);
        try {
            conn.LockForMigrations();
            conn.ExecScript(kCreateBookkeeping);
            const core::MigrationStatus status = Compare(ReadRecorded(conn));
            if (std::string problem = status.Problem(); !problem.empty()) {
                throw StorageError(StorageError::Kind::kSchema, problem);
            }
            const MigrationInfo& info = status.migrations.at(m.version - 1);
            if (info.state == MigrationInfo::State::kApplied) {
                conn.Commit();
                continue;
            }
            try {
                conn.ExecScript(m.sql);
            } catch (const StorageError& e) {
                throw StorageError(e.kind(), "migration " + std::to_string(m.version) + " (" +
                                                 std::string(m.name) + ") failed: " + e.what());
            }
            conn.Exec(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                "VALUES ($1, $2, $3, $4)",
                {std::int64_t{m.version}, std::string(m.name), info.checksum,
                 core::ToEpochMillis(now)});
            conn.Commit();
            MigrationInfo done = info;
            done.state = MigrationInfo::State::kApplied;
            done.applied_at = now;
            applied.push_back(std::move(done));
        } catch (...) {
            conn.Rollback();
            throw;
        }
    }
    return applied;
}

}  // namespace bookbot::backends
