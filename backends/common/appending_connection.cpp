#include "appending_connection.hpp"

#include <algorithm>
#include <utility>

#include "table_rows_sql.hpp"

namespace bookbot::backends {
namespace {

// Rows per statement: bounds the statement texts a connection prepares
// (one per count of each table's rows) and their parameters.
constexpr std::size_t kMaxRows = 8;

struct Table {
    const char* insert;  // up to VALUES
    std::size_t width;   // values per row
};

constexpr Table kMessages = {
    "INSERT INTO conversation_messages (id, platform, user_id, direction, body, created_at) "
    "VALUES ",
    6};
constexpr Table kOutbox = {
    "INSERT INTO outbox (id, platform, chat_id, body, status, attempts, next_attempt_at,"
    " last_error, created_at) VALUES ",
    9};

// The next rows of `table` (at most kMaxRows) as one INSERT, their values
// appended to `params`; empty when none is left.
std::string NextInsert(const Table& table, std::vector<SqlParams>& rows, std::size_t& written,
                       SqlParams& params) {
    const std::size_t count = std::min(kMaxRows, rows.size() - written);
    if (count == 0) return {};
    std::string sql = table.insert;
    for (std::size_t i = 0; i < count; ++i) {
        sql += (i == 0 ? "" : ", ") + Placeholders(params.size() + 1, table.width);
        for (SqlValue& value : rows[written + i]) params.push_back(std::move(value));
    }
    written += count;
    return sql;
}

// Whether `sql` mentions `table` (a longer name holding it counts too: that
// only writes the held rows sooner).
bool Names(std::string_view sql, std::string_view table) {
    return sql.find(table) != std::string_view::npos;
}

}  // namespace

void AppendingConnection::AppendMessage(std::int64_t id, const std::string& platform,
                                        const std::string& user_id, std::string_view direction,
                                        const std::string& body, core::TimePoint at) {
    messages_.push_back(
        {id, platform, user_id, std::string(direction), body, core::ToEpochMillis(at)});
}

void AppendingConnection::AppendOutbox(std::int64_t id, const std::string& platform,
                                       const std::string& chat_id, const std::string& body,
                                       core::TimePoint now) {
    const std::int64_t at = core::ToEpochMillis(now);
    outbox_.push_back({id, platform, chat_id, body, std::string("pending"), std::int64_t{0}, at,
                       std::string(), at});
}

void AppendingConnection::WriteHeld() {
    if (messages_.empty() && outbox_.empty()) return;
    // Taken first: on a failure the unit fails and is rolled back whole.
    std::vector<SqlParams> messages = std::exchange(messages_, {});
    std::vector<SqlParams> outbox = std::exchange(outbox_, {});
    std::size_t messages_written = 0;
    std::size_t outbox_written = 0;
    while (messages_written < messages.size() || outbox_written < outbox.size()) {
        SqlParams params;
        std::string sql = NextInsert(kMessages, messages, messages_written, params);
        if (sql.empty() || conn_.WritesInWith()) {
            std::string outbox_sql = NextInsert(kOutbox, outbox, outbox_written, params);
            if (sql.empty()) {
                sql = std::move(outbox_sql);
            } else if (!outbox_sql.empty()) {
                std::string with = "WITH history AS (";
                with += sql;
                with += ") ";
                with += outbox_sql;
                sql = std::move(with);
            }
        }
        conn_.Exec(sql, params);
    }
}

SqlResult AppendingConnection::Exec(std::string_view sql, const SqlParams& params) {
    // Before a savepoint is set, released or rolled back to, as well: rows
    // appended before it must outlive a rollback to it, and rows appended
    // after it must not. (The store's SQL names tables in lower case and
    // SAVEPOINT in upper case.)
    if (Names(sql, "conversation_messages") || Names(sql, "outbox") || Names(sql, "SAVEPOINT")) {
        WriteHeld();
    }
    return conn_.Exec(sql, params);
}

void AppendingConnection::ExecScript(std::string_view sql) {
    WriteHeld();
    conn_.ExecScript(sql);
}

void AppendingConnection::Commit() {
    WriteHeld();
    conn_.Commit();
}

void AppendingConnection::Rollback() noexcept {
    messages_.clear();
    outbox_.clear();
    conn_.Rollback();
}

}  // namespace bookbot::backends
