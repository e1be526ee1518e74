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
    explicit PostgresConnection(const std::string& conninfo) {
        Guard([&] {
            conn_ = std::make_unique<pqxx::connection>(conninfo);
            pqxx::nontransaction setup(*conn_);
            setup.exec0("SET client_min_messages TO warning");
        });
    }

    SqlResult Exec(std::string_view sql, const SqlParams& params) override {
        return Guard([&] {
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
            const pqxx::result r = tx_ ? tx_->exec_prepared(name, dynamic)
                                       : pqxx::nontransaction(*conn_).exec_prepared(name, dynamic);
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
        });
    }

    void ExecScript(std::string_view sql) override {
        Guard([&] {
            if (tx_) {
                tx_->exec(std::string(sql));
            } else {
                pqxx::nontransaction(*conn_).exec(std::string(sql));
            }
        });
    }

    void Begin(core::Store::Access access) override {
        Guard([&] {
            if (access == core::Store::Access::kWrite) {
                tx_ = std::make_unique<pqxx::work>(*conn_);
            } else {
                tx_ = std::make_unique<pqxx::read_transaction>(*conn_);
            }
        });
    }

    void Commit() override {
        Guard([&] {
            tx_->commit();
            tx_.reset();
        });
    }

    void Rollback() noexcept override {
        if (!tx_) return;
        try {
            tx_->abort();
        } catch (...) {
            healthy_ = false;
        }
        tx_.reset();
    }

    void LockForMigrations() override {
        Exec("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey});
    }

    std::string_view SkipLockedSuffix() const override { return " FOR UPDATE SKIP LOCKED"; }
    bool InListBuildsTable() const override { return false; }
    bool WritesInWith() const override { return true; }

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

    // Statements are prepared once per connection, named by their order.
    const std::string& Prepared(std::string_view sql) {
        auto it = prepared_.find(std::string(sql));
        if (it == prepared_.end()) {
            std::string name = "s" + std::to_string(prepared_.size());
            conn_->prepare(name, std::string(sql));
            it = prepared_.emplace(std::string(sql), std::move(name)).first;
        }
        return it->second;
    }

    std::unique_ptr<pqxx::connection> conn_;
    std::unique_ptr<pqxx::dbtransaction> tx_;
    std::unordered_map<std::string, std::string> prepared_;
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
