#pragma once

// The SQL of the store's staff chats and enrolment codes (UnitOfWork::
// AddStaffChat … UseLinkCode), written once for both backends.

#include <string>
#include <vector>

#include "bookbot/core/records.hpp"
#include "sql_connection.hpp"

namespace bookbot::backends {

bool InsertStaffChat(SqlConnection& conn, const std::string& platform, const std::string& chat_id,
                     core::TimePoint now);
bool DeleteStaffChat(SqlConnection& conn, const std::string& platform, const std::string& chat_id);
std::vector<core::StaffChat> SelectStaffChats(SqlConnection& conn);
// Enrolment codes are stored as their SHA-256 (hex), never in clear.
void InsertLinkCode(SqlConnection& conn, const std::string& code, core::TimePoint expires_at,
                    core::TimePoint now);
bool ConsumeLinkCode(SqlConnection& conn, const std::string& code, core::TimePoint now);

}  // namespace bookbot::backends
