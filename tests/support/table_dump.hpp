#pragma once

// Reading whole stores through the port, to compare them (header-only, so any
// test program that links the store can use it).

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bookbot/core/store.hpp"

namespace bookbot::testing {

// Every row of `table`, `page` rows per read unit, in the store's key order.
inline std::vector<core::Row> ExportAll(core::Store& store, const core::TableSpec& table,
                                        std::int64_t page = 500) {
    std::vector<core::Row> all;
    std::optional<core::Row> after;
    for (;;) {
        std::vector<core::Row> rows;
        store.Read([&](core::UnitOfWork& u) { rows = u.ExportRows(table.name, after, page); });
        if (rows.empty()) return all;
        after = table.KeyOf(rows.back());
        all.insert(all.end(), rows.begin(), rows.end());
    }
}

// Table name → all its rows, sorted by value (bytewise for text), so stores on
// different backends (whose text keys sort differently) compare equal when
// they hold the same rows.
using TableDump = std::map<std::string, std::vector<core::Row>>;

inline TableDump DumpAll(core::Store& store) {
    TableDump dump;
    for (const core::TableSpec& table : store.DataTables()) {
        auto rows = ExportAll(store, table);
        std::sort(rows.begin(), rows.end());
        dump[table.name] = std::move(rows);
    }
    return dump;
}

}  // namespace bookbot::testing
