#pragma once

// Shared by the fault-injection contract tests: every fault point of a run,
// and store dumps that compare equal across fresh databases.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "fault_injecting_store.hpp"
#include "fixture.hpp"
#include "table_dump.hpp"

namespace bookbot::testing {

// Every fault a run of `statements` statements in `units` units can meet: each
// statement failing (unavailable: the connection died; conflict: lost a
// race), each unit failing to connect, and each commit failing before or
// after it really happened.
inline std::vector<Fault> EveryFault(int statements, int units) {
    using Kind = core::StorageError::Kind;
    std::vector<Fault> faults;
    for (const Kind kind : {Kind::kUnavailable, Kind::kConflict}) {
        for (int n = 0; n < statements; ++n) faults.push_back({FaultPoint::kStatement, n, kind});
    }
    for (const FaultPoint point :
         {FaultPoint::kConnect, FaultPoint::kBeforeCommit, FaultPoint::kAfterCommit}) {
        for (int n = 0; n < units; ++n) faults.push_back({point, n, Kind::kUnavailable});
    }
    return faults;
}

// One migrated database for many runs, emptied between them: far cheaper
// than a fresh database per run (CREATE DATABASE and the migrations cost
// about 0.2 s on PostgreSQL, and a test makes hundreds of runs).
struct ReusableStore : StoreFixture {
    // Deletes every row of every data table (those that refer to others first).
    void Empty() {
        const auto tables = store->DataTables();
        std::string sql;
        for (auto t = tables.rbegin(); t != tables.rend(); ++t)
            sql += "DELETE FROM " + t->name + ";";
        db->ExecRaw(sql);
    }
};

// DumpAll with program-generated ids (columns "id" and "*_id" holding
// integers) replaced by their rank among all such ids of the store: ids carry
// a random per-process salt, so two runs that did the same things in the same
// order dump equal only once the ids are ranked.
inline TableDump NormalizedDump(core::Store& store) {
    TableDump dump = DumpAll(store);
    const auto is_id = [](const std::string& column) {
        return column == "id" || (column.size() > 3 && column.ends_with("_id"));
    };
    std::set<std::int64_t> ids;
    std::map<std::string, std::vector<std::size_t>> id_columns;
    for (const core::TableSpec& table : store.DataTables()) {
        for (std::size_t c = 0; c < table.columns.size(); ++c) {
            if (table.columns[c].type == core::ColumnSpec::Type::kInteger &&
                is_id(table.columns[c].name)) {
                id_columns[table.name].push_back(c);
            }
        }
        for (const core::Row& row : dump[table.name]) {
            for (const std::size_t c : id_columns[table.name]) {
                if (const auto* id = std::get_if<std::int64_t>(&row[c])) ids.insert(*id);
            }
        }
    }
    std::map<std::int64_t, std::int64_t> rank;
    for (const std::int64_t id : ids) rank.emplace(id, static_cast<std::int64_t>(rank.size()));
    for (auto& [name, rows] : dump) {
        for (core::Row& row : rows) {
            for (const std::size_t c : id_columns[name]) {
                if (const auto* id = std::get_if<std::int64_t>(&row[c])) row[c] = rank.at(*id);
            }
        }
        std::sort(rows.begin(), rows.end());
    }
    return dump;
}

// A readable first difference between two dumps, for the failure message: a
// table with missing or extra rows first (one missing row shifts the id ranks
// of every table, so other tables then differ too).
inline std::string FirstDifference(const TableDump& want, const TableDump& got) {
    for (const auto& [table, rows] : want) {
        const auto it = got.find(table);
        if (it == got.end()) return table + ": missing";
        if (rows.size() != it->second.size()) {
            return table + ": " + std::to_string(it->second.size()) + " rows, want " +
                   std::to_string(rows.size());
        }
    }
    for (const auto& [table, rows] : want) {
        if (rows != got.at(table)) return table + ": same row count, different rows";
    }
    return "";
}

}  // namespace bookbot::testing
