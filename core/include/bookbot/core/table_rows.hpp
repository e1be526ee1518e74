#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace bookbot::core {

// Whole tables as plain, backend-neutral values: what `bookbot copy` moves from
// one store to another through the port. Nothing here knows SQL or a driver.

// One stored value. The schema uses only integers (BIGINT, INTEGER), text and
// NULL, so these three alternatives carry every value exactly: 64-bit ids and
// epoch milliseconds as integers, JSON and unicode as the stored bytes.
using Value = std::variant<std::monostate, std::int64_t, std::string>;

// One row: its values in the order of TableSpec::columns.
using Row = std::vector<Value>;

struct ColumnSpec {
    enum class Type { kInteger, kText };

    std::string name;
    Type type = Type::kText;
    bool nullable = false;

    friend bool operator==(const ColumnSpec&, const ColumnSpec&) = default;
};

// One table of the store's data, as the migrations define it.
struct TableSpec {
    std::string name;
    std::vector<ColumnSpec> columns;  // in schema order
    // The first `key_columns` columns are the table's primary key.
    std::size_t key_columns = 1;

    // The primary-key values of `row`.
    Row KeyOf(const Row& row) const {
        return Row(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(key_columns));
    }

    friend bool operator==(const TableSpec&, const TableSpec&) = default;
};

}  // namespace bookbot::core
