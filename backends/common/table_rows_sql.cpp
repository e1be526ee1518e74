#include "table_rows_sql.hpp"

#include <algorithm>
#include <string>

namespace bookbot::backends {
namespace {

using core::ColumnSpec;
using core::Row;
using core::StorageError;
using core::TableSpec;
using core::Value;

// Rows per INSERT statement at most. Statements are cached per text, so a
// batch is split into power-of-two chunks: at most 7 statement shapes per table.
constexpr std::size_t kMaxRowsPerInsert = 64;

[[noreturn]] void Invalid(const std::string& message) {
    throw StorageError(StorageError::Kind::kInvalid, message);
}

// "a, b, c": the names of the first `count` columns.
std::string ColumnList(const TableSpec& table, std::size_t count) {
    std::string list;
    for (std::size_t i = 0; i < count; ++i) {
        list += (i == 0 ? "" : ", ") + table.columns[i].name;
    }
    return list;
}

std::string KeyList(const TableSpec& table) {
    const std::string keys = ColumnList(table, table.key_columns);
    return table.key_columns == 1 ? keys : "(" + keys + ")";
}

// The value as a statement parameter, after checking it fits the column.
SqlValue ToParam(const TableSpec& table, const ColumnSpec& column, const Value& value) {
    const std::string where = table.name + "." + column.name;
    if (std::holds_alternative<std::monostate>(value)) {
        if (!column.nullable) Invalid(where + ": NULL in a column that does not allow it");
        return nullptr;
    }
    if (column.type == ColumnSpec::Type::kInteger) {
        if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
        Invalid(where + ": expected an integer, got text");
    }
    if (const auto* s = std::get_if<std::string>(&value)) return *s;
    Invalid(where + ": expected text, got an integer");
}

void AppendParams(const TableSpec& table, const Row& row, std::size_t columns, SqlParams& params) {
    if (row.size() != columns) {
        Invalid(table.name + ": a row of " + std::to_string(row.size()) + " values where " +
                std::to_string(columns) + " are expected");
    }
    for (std::size_t i = 0; i < columns; ++i) {
        params.push_back(ToParam(table, table.columns[i], row[i]));
    }
}

Value FromResult(const ColumnSpec& column, const SqlRow& row, std::size_t i) {
    if (row.IsNull(i)) return std::monostate{};
    if (column.type == ColumnSpec::Type::kInteger) return row.Int(i);
    return row.Text(i);
}

std::string InsertSql(const TableSpec& table, std::size_t rows) {
    const std::size_t width = table.columns.size();
    std::string sql = "INSERT INTO " + table.name + " (" + ColumnList(table, width) + ") VALUES ";
    for (std::size_t r = 0; r < rows; ++r) {
        sql += (r == 0 ? "" : ", ") + Placeholders(r * width + 1, width);
    }
    return sql + " ON CONFLICT (" + ColumnList(table, table.key_columns) + ") DO NOTHING";
}

// The largest power of two that is at most min(remaining, kMaxRowsPerInsert).
std::size_t ChunkSize(std::size_t remaining) {
    std::size_t chunk = kMaxRowsPerInsert;
    while (chunk > remaining) chunk /= 2;
    return chunk;
}

}  // namespace

std::string Placeholders(std::size_t first, std::size_t count) {
    std::string list = "(";
    for (std::size_t i = 0; i < count; ++i) {
        list += (i == 0 ? "$" : ", $") + std::to_string(first + i);
    }
    return list + ")";
}

std::vector<Row> ExportTableRows(SqlConnection& conn, const TableSpec& table,
                                 const std::optional<Row>& after_key, std::int64_t limit) {
    if (limit < 1) Invalid("ExportRows needs a limit of at least 1");
    std::string sql = "SELECT " + ColumnList(table, table.columns.size()) + " FROM " + table.name;
    SqlParams params;
    if (after_key) {
        AppendParams(table, *after_key, table.key_columns, params);
        sql += " WHERE " + KeyList(table) + " > " +
               (table.key_columns == 1 ? "$1" : Placeholders(1, table.key_columns));
    }
    params.emplace_back(limit);
    sql += " ORDER BY " + ColumnList(table, table.key_columns) + " LIMIT $" +
           std::to_string(params.size());

    const SqlResult result = conn.Exec(sql, params);
    std::vector<Row> rows;
    rows.reserve(result.rows.size());
    for (const SqlRow& r : result.rows) {
        Row& row = rows.emplace_back();
        row.reserve(table.columns.size());
        for (std::size_t i = 0; i < table.columns.size(); ++i) {
            row.push_back(FromResult(table.columns[i], r, i));
        }
    }
    return rows;
}

std::int64_t ImportTableRows(SqlConnection& conn, const TableSpec& table,
                             const std::vector<Row>& rows) {
    std::int64_t inserted = 0;
    for (std::size_t done = 0; done < rows.size();) {
        const std::size_t chunk = ChunkSize(rows.size() - done);
        SqlParams params;
        params.reserve(chunk * table.columns.size());
        for (std::size_t r = done; r < done + chunk; ++r) {
            AppendParams(table, rows[r], table.columns.size(), params);
        }
        inserted += conn.Exec(InsertSql(table, chunk), params).affected;
        done += chunk;
    }
    return inserted;
}

std::int64_t CountTableRows(SqlConnection& conn, const TableSpec& table) {
    return conn.Exec("SELECT COUNT(*) FROM " + table.name).rows.front().Int(0);
}

}  // namespace bookbot::backends
