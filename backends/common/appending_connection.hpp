#pragma once

// The rows a unit of work only appends: its conversation history and its
// outbox messages. They are held, and written together just before the
// unit's first statement that names either table or a savepoint, or when the
// unit finishes:
// on PostgreSQL in one statement (a writable WITH), on SQLite one per table.
// An update that answers with two messages used to cost five inserts, each a
// round trip to PostgreSQL; now it costs one.
//
// Only a statement that names a table can see its rows: no foreign key,
// trigger or view refers to these two (migrations/). One that did would have
// to name them in Touches().

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bookbot/core/clock.hpp"
#include "sql_connection.hpp"

namespace bookbot::backends {

// A unit's connection: every call goes to `conn`, after the held rows when
// the statement may see them.
class AppendingConnection final : public SqlConnection {
public:
    explicit AppendingConnection(SqlConnection& conn) : conn_(conn) {}

    void AppendMessage(std::int64_t id, const std::string& platform, const std::string& user_id,
                       std::string_view direction, const std::string& body, core::TimePoint at);
    void AppendOutbox(std::int64_t id, const std::string& platform, const std::string& chat_id,
                      const std::string& body, core::TimePoint now);

    // Writes every held row and forgets them (on a failure too: the unit
    // then fails and is rolled back whole). Nothing to do when none is held.
    void WriteHeld();

    SqlResult Exec(std::string_view sql, const SqlParams& params = {}) override;
    void ExecScript(std::string_view sql) override;
    void Begin(core::Store::Access access) override { conn_.Begin(access); }
    void Commit() override;
    void Rollback() noexcept override;
    void LockForMigrations() override { conn_.LockForMigrations(); }
    std::string_view SkipLockedSuffix() const override { return conn_.SkipLockedSuffix(); }
    bool InListBuildsTable() const override { return conn_.InListBuildsTable(); }
    bool WritesInWith() const override { return conn_.WritesInWith(); }
    std::string Durability() override { return conn_.Durability(); }
    std::vector<std::string> DescribeSchema() override { return conn_.DescribeSchema(); }
    bool Healthy() const override { return conn_.Healthy(); }

private:
    SqlConnection& conn_;
    std::vector<SqlParams> messages_;
    std::vector<SqlParams> outbox_;
};

}  // namespace bookbot::backends
