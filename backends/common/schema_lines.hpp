#pragma once

// The backend-neutral lines SqlConnection::DescribeSchema returns, so that
// both backends' introspection can be compared line by line.

#include <string>
#include <vector>

namespace bookbot::backends {

std::string TableLine(const std::string& table);
std::string ColumnLine(const std::string& table, const std::string& column, std::string type,
                       bool not_null);
std::string IndexLine(const std::string& table, const std::string& name,
                      const std::vector<std::string>& columns, bool primary, bool unique,
                      bool partial);

}  // namespace bookbot::backends
