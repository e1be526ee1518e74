#pragma once

// The store's data tables, column by column, as migrations/ define them: the
// one place the copy's table list and column order come from. A contract test
// compares it with the schema each backend reports, so a migration that adds
// a table or column without updating this list fails the suite.

#include <string_view>
#include <vector>

#include "bookbot/core/table_rows.hpp"

namespace bookbot::backends {

// Every table but schema_migrations, each after the tables it refers to.
const std::vector<core::TableSpec>& DataTables();

// The table called `name`; throws StorageError kInvalid for any other name (so
// no name from outside ever reaches SQL text).
const core::TableSpec& FindDataTable(std::string_view name);

}  // namespace bookbot::backends
