#include "schema_lines.hpp"

#include <algorithm>
#include <cctype>

namespace bookbot::backends {

std::string TableLine(const std::string& table) { return "table " + table; }

std::string ColumnLine(const std::string& table, const std::string& column, std::string type,
                       bool not_null) {
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return "column " + table + "." + column + " " + type + (not_null ? " not null" : "");
}

std::string IndexLine(const std::string& table, const std::string& name,
                      const std::vector<std::string>& columns, bool primary, bool unique,
                      bool partial) {
    std::string joined;
    for (const auto& c : columns) joined += (joined.empty() ? "" : ", ") + c;
    // Primary keys are named differently by each database; only their columns matter.
    std::string line = primary ? "primary key " + table : "index " + name + " on " + table;
    line += " (" + joined + ")";
    if (unique && !primary) line += " unique";
    if (partial) line += " partial";
    return line;
}

}  // namespace bookbot::backends
