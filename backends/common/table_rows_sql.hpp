#pragma once

// The SQL of the store's whole-table operations (UnitOfWork::ExportRows,
// ImportRows, CountRows), written once for both backends. Table and column
// names come only from DataTables(), never from a caller.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bookbot/core/table_rows.hpp"
#include "sql_connection.hpp"

namespace bookbot::backends {

// "($1, $2)": a row's `count` placeholders, numbered from `first`.
std::string Placeholders(std::size_t first, std::size_t count);

std::vector<core::Row> ExportTableRows(SqlConnection& conn, const core::TableSpec& table,
                                       const std::optional<core::Row>& after_key,
                                       std::int64_t limit);
std::int64_t ImportTableRows(SqlConnection& conn, const core::TableSpec& table,
                             const std::vector<core::Row>& rows);
std::int64_t CountTableRows(SqlConnection& conn, const core::TableSpec& table);

}  // namespace bookbot::backends
