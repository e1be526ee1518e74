#include "postgres_store.hpp"

#include <algorithm>
#include <pqxx/pqxx>
#include <unordered_map>

#include "../common/schema_lines.hpp"
#include "../common/sql_store.hpp"

namespace bookbot::backends {
namespace {

using core::StorageError;
using Kind = StorageError::Kind;

// Any number, the same in every bookbot: the key of the migration lock.
constexpr std::int64_t kMigrationLockKey = 0x626f6f6b626f74;  // "bookbot"

// PostgreSQL's type oids of the integer types (pg_type.h; fixed forever).
constexpr pqxx::oid kInt8Oid = 20;
constexpr pqxx::oid kInt2Oid = 21;
constexpr pqxx::oid kInt4Oid = 23;

// The one place libpqxx's errors become StorageError.
[[noreturn]] void Translate(const std::exception& e, bool& healthy) {
    // libpq's messages span lines; an error is one log line.
    std::string message = "PostgreSQL:";
    for (std::string_view rest = e.what(); !rest.empty();) {
        const std::size_t start = rest.find_first_not_of(" \t\r\n");
        if (start == std::string_view::npos) break;
        rest.remove_prefix(start);
        const std::size_t end = std::min(rest.find_first_of(" \t\r\n"), rest.size());
        message += ' ';
        message += rest.substr(0, end);
        rest.remove_prefix(end);
    }
    if (dynamic_cast<const pqxx::broken_connection*>(&e) ||
        dynamic_cast<const pqxx::in_doubt_error*>(&e)) {
        healthy = false;
        throw StorageError(Kind::kUnavailable, message);
    }
    if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
        const std::string& state = sql->sqlstate();
        const std::string cls = state.substr(0, 2);
        if (state == "40001" || state == "40P01" || state == "23505") {
            throw StorageError(Kind::kConflict, message);
        }
        // 25006: a read-only server (a standby after failover, or
        // default_transaction_read_only): this connection stays so; a new
        // one may reach the writable primary.
        if (cls == "08" || cls == "53" || cls == "57" || state == "25006") {
            healthy = false;
            throw StorageError(Kind::kUnavailable, message);
        }
        if (cls == "42" || cls == "3F") throw StorageError(Kind::kSchema, message);
        if (cls == "22" || cls == "23") throw StorageError(Kind::kInvalid, message);
        throw StorageError(Kind::kInternal, message + " [" + state + "]");
    }
    throw StorageError(Kind::kInternal, message);
}

class PostgresConnection final : public SqlConnection {
public:
    explicit PostgresConnection(std::string conninfo) : conninfo_(std::move(conninfo)) {
        Guard([&] { conn_ = Connect(conninfo_); });
    }

    SqlResult Exec(std::string_view sql, const SqlParams& params) override {
        return Guard([&] {
            if (tx_ && (state_ == TxState::kPending || !later_.empty())) {
                return FirstContact(
                    [&] { return ToSqlResult(SendWithWaiting(Statement(sql, params))); });
            }
            std::vector<const char*> values;
            values.reserve(params.size());
            std::vector<std::string> owned;
            owned.reserve(params.size());
            for (const SqlValue& p : params) {
                if (const auto* i = std::get_if<std::int64_t>(&p)) {
                    values.push_back(owned.emplace_back(std::to_string(*i)).c_str());
                } else if (const auto* s = std::get_if<std::string>(&p)) {
                    values.push_back(s->c_str());
                } else {
                    values.push_back(nullptr);
                }
            }
            const std::string& name = Prepared(sql);
            const auto dynamic = pqxx::prepare::make_dynamic_params(values);
            return ToSqlResult(tx_ ? tx_->exec_prepared(name, dynamic)
                                   : pqxx::nontransaction(*conn_).exec_prepared(name, dynamic));
        });
    }

    void ExecLater(std::string_view sql, const SqlParams& params) override {
        if (!tx_) {
            Exec(sql, params);
            return;
        }
        Guard([&] { FirstContact([&] { later_.push_back(Statement(sql, params)); }); });
    }

    void ExecScript(std::string_view sql) override {
        Guard([&] {
            if (tx_) {
                FirstContact([&] { SendWithWaiting(std::string(sql)); });
            } else {
                pqxx::nontransaction(*conn_).exec(std::string(sql));
            }
        });
    }

    // BEGIN is not sent here: it goes with the unit's first statement (see
    // SendWithWaiting), so a unit costs one round trip less.
    void Begin(core::Store::Access access) override {
        Guard([&] {
            tx_ = std::make_unique<pqxx::nontransaction>(*conn_);
            begin_sql_ = access == core::Store::Access::kWrite ? "BEGIN" : "BEGIN READ ONLY";
            state_ = TxState::kPending;
            later_.clear();
        });
    }

    void Commit() override {
        Guard([&] {
            // A unit that sent nothing has nothing to commit.
            if (state_ == TxState::kOpen) {
                SendWithWaiting("COMMIT");
            } else if (!later_.empty()) {
                FirstContact([&] { SendWithWaiting("COMMIT"); });
            }
            EndUnit();
        });
    }

    void Rollback() noexcept override {
        if (!tx_) return;
        try {
            if (state_ == TxState::kOpen) tx_->exec("ROLLBACK");
        } catch (...) {
            healthy_ = false;
        }
        EndUnit();
    }

    void LockForMigrations() override {
        Exec("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey});
    }

    std::string_view SkipLockedSuffix() const override { return " FOR UPDATE SKIP LOCKED"; }

    std::string Durability() override {
        return "synchronous_commit=" + Exec("SHOW synchronous_commit", {}).rows.at(0).Text(0);
    }

    std::vector<std::string> DescribeSchema() override {
        std::vector<std::string> lines;
        for (const SqlRow& t : Exec("SELECT table_name FROM information_schema.tables"
                                    " WHERE table_schema = current_schema()"
                                    " AND table_type = 'BASE TABLE'",
                                    {})
                                   .rows) {
            lines.push_back(TableLine(t.Text(0)));
        }
        for (const SqlRow& c : Exec("SELECT table_name, column_name, data_type, is_nullable"
                                    " FROM information_schema.columns"
                                    " WHERE table_schema = current_schema()",
                                    {})
                                   .rows) {
            lines.push_back(ColumnLine(c.Text(0), c.Text(1), c.Text(2), c.Text(3) == "NO"));
        }
        for (const SqlRow& i :
             Exec("SELECT t.relname, i.relname, ix.indisprimary, ix.indisunique,"
                  " ix.indpred IS NOT NULL,"
                  " array_to_string(ARRAY(SELECT a.attname FROM unnest(ix.indkey)"
                  "  WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a"
                  "  ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ',')"
                  " FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid"
                  " JOIN pg_class t ON t.oid = ix.indrelid"
                  " JOIN pg_namespace n ON n.oid = t.relnamespace"
                  " WHERE n.nspname = current_schema()",
                  {})
                 .rows) {
            std::vector<std::string> columns;
            std::string all = i.Text(5);
            for (std::size_t start = 0; start <= all.size();) {
                const std::size_t comma = std::min(all.find(',', start), all.size());
                columns.push_back(all.substr(start, comma - start));
                start = comma + 1;
            }
            lines.push_back(IndexLine(i.Text(0), i.Text(1), columns, i.Text(2) == "t",
                                      i.Text(3) == "t", i.Text(4) == "t"));
        }
        std::sort(lines.begin(), lines.end());
        return lines;
    }

    bool Healthy() const override { return healthy_ && conn_ && conn_->is_open(); }

private:
    template <typename F>
    auto Guard(F&& f) -> decltype(f()) {
        try {
            return f();
        } catch (const StorageError&) {
            throw;
        } catch (const std::bad_alloc&) {
            throw;
        } catch (const std::exception& e) {
            Translate(e, healthy_);
        }
    }

    enum class TxState { kNone, kPending, kOpen };

    static std::unique_ptr<pqxx::connection> Connect(const std::string& conninfo) {
        auto conn = std::make_unique<pqxx::connection>(conninfo);
        pqxx::nontransaction setup(*conn);
        setup.exec0("SET client_min_messages TO warning");
        return conn;
    }

    // Sends `last` preceded by what waits for a round trip (a pending BEGIN,
    // ExecLater's statements) as one message; the server runs them in order
    // and stops at the first failure. The result is `last`'s.
    pqxx::result SendWithWaiting(const std::string& last) {
        std::string message;
        if (state_ == TxState::kPending) message = begin_sql_ + "; ";
        for (const std::string& statement : later_) message.append(statement).append("; ");
        message += last;
        pqxx::result r;
        try {
            r = tx_->exec(message);
        } catch (const pqxx::broken_connection&) {
            throw;  // nothing is known to have run: FirstContact may send it again
        } catch (...) {
            // The transaction is open (and failed): Rollback must end it.
            later_.clear();
            state_ = TxState::kOpen;
            throw;
        }
        later_.clear();
        state_ = TxState::kOpen;
        return r;
    }

    // Runs `f`, the unit's first contact with the server when nothing of the
    // unit has been sent yet. A connection the server dropped while idle (a
    // restart, an idle timeout) fails there, before anything of the unit ran
    // (or with all of it rolled back by the server): it is replaced once and
    // `f` runs again, as a failed BEGIN used to send the unit to a fresh
    // connection.
    template <typename F>
    auto FirstContact(F&& f) -> decltype(f()) {
        if (state_ != TxState::kPending) return f();
        try {
            return f();
        } catch (const pqxx::broken_connection&) {
            if (state_ != TxState::kPending) throw;
        }
        Reconnect();
        return f();
    }

    // A new connection in place of a lost one, with the same statements
    // prepared under the same names (waiting statements refer to them).
    void Reconnect() {
        tx_.reset();
        conn_ = Connect(conninfo_);
        for (const auto& [sql, name] : prepared_) Prepare(sql, name);
        tx_ = std::make_unique<pqxx::nontransaction>(*conn_);
    }

    void EndUnit() noexcept {
        tx_.reset();
        later_.clear();
        state_ = TxState::kNone;
    }

    static SqlResult ToSqlResult(const pqxx::result& r) {
        SqlResult result;
        result.affected = static_cast<std::int64_t>(r.affected_rows());
        result.rows.reserve(r.size());
        // Integer columns (by type oid) are read as int64, the rest as text.
        std::vector<bool> integer(static_cast<std::size_t>(r.columns()));
        for (pqxx::row::size_type c = 0; c < r.columns(); ++c) {
            const pqxx::oid type = r.column_type(c);
            integer[c] = type == kInt8Oid || type == kInt4Oid || type == kInt2Oid;
        }
        for (const auto& row : r) {
            std::vector<SqlValue> fields;
            fields.reserve(row.size());
            for (pqxx::row::size_type c = 0; c < row.size(); ++c) {
                const pqxx::field f = row[c];
                if (f.is_null()) {
                    fields.emplace_back(nullptr);
                } else if (integer[c]) {
                    fields.emplace_back(f.as<std::int64_t>());
                } else {
                    fields.emplace_back(std::string(f.c_str(), f.size()));
                }
            }
            result.rows.emplace_back(std::move(fields));
        }
        return result;
    }

    // The text that runs `sql` inside a multi-statement message: itself if it
    // has no parameters (SAVEPOINT and the like, which EXECUTE cannot run),
    // else an EXECUTE of it prepared.
    std::string Statement(std::string_view sql, const SqlParams& params) {
        if (params.empty()) return std::string(sql);
        return ExecuteSql(Prepared(sql), params);
    }

    // EXECUTE of a prepared statement with its parameters as quoted literals:
    // each takes the type of its parameter, as a bound value would.
    std::string ExecuteSql(const std::string& name, const SqlParams& params) {
        std::string sql = "EXECUTE " + name;
        for (std::size_t i = 0; i < params.size(); ++i) {
            sql += i == 0 ? "(" : ", ";
            if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
                sql.append("'").append(std::to_string(*n)).append("'");
            } else if (const auto* text = std::get_if<std::string>(&params[i])) {
                sql += conn_->quote(*text);
            } else {
                sql += "NULL";
            }
        }
        if (!params.empty()) sql += ")";
        return sql;
    }

    // Statements are prepared once per connection, named by their order, and
    // on the server at once (EXECUTE finds them only there).
    const std::string& Prepared(std::string_view sql) {
        auto it = prepared_.find(std::string(sql));
        if (it == prepared_.end()) {
            // A fresh name each time: one whose preparing failed stays taken.
            std::string name = "s" + std::to_string(next_name_++);
            Prepare(std::string(sql), name);
            it = prepared_.emplace(std::string(sql), std::move(name)).first;
        }
        return it->second;
    }

    void Prepare(const std::string& sql, const std::string& name) {
        conn_->prepare(name, sql);
        conn_->prepare_now(name);
    }

    const std::string conninfo_;
    std::unique_ptr<pqxx::connection> conn_;
    // The open unit's statements run in a nontransaction: this class sends
    // BEGIN (with the first statement), COMMIT and ROLLBACK itself.
    std::unique_ptr<pqxx::nontransaction> tx_;
    TxState state_ = TxState::kNone;
    std::string begin_sql_;
    std::vector<std::string> later_;                         // ExecLater's statements, not yet sent
    std::unordered_map<std::string, std::string> prepared_;  // SQL text -> name
    std::size_t next_name_ = 0;
    bool healthy_ = true;
};

// libpq gives up connecting after connect_timeout seconds; add one if unset.
std::string WithConnectTimeout(const std::string& url, int seconds) {
    if (url.find("connect_timeout=") != std::string::npos) return url;
    return url + (url.find('?') == std::string::npos ? "?" : "&") +
           "connect_timeout=" + std::to_string(seconds);
}

}  // namespace

std::unique_ptr<core::Store> OpenPostgresStore(const DatabaseUrl& url,
                                               const StoreOptions& options) {
    const std::string conninfo = WithConnectTimeout(url.target(), options.timeout_seconds);
    auto pool = std::make_unique<ConnectionPool>(
        [conninfo] { return std::make_unique<PostgresConnection>(conninfo); }, options.pool_size,
        std::chrono::seconds(options.timeout_seconds));
    // Connect now, so a bad address or password fails here and not on first use.
    { ConnectionPool::Lease probe = pool->Acquire(); }
    return std::make_unique<SqlStore>("postgres", url.redacted(), std::move(pool));
}

}  // namespace bookbot::backends
