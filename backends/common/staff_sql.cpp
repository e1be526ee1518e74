#include "staff_sql.hpp"

#include "migrator.hpp"

namespace bookbot::backends {

using core::ToEpochMillis;

bool InsertStaffChat(SqlConnection& conn, const std::string& platform, const std::string& chat_id,
                     core::TimePoint now) {
    return conn.Exec(
                   "INSERT INTO staff_chats (platform, chat_id, enrolled_at) VALUES ($1, $2, $3)"
                   " ON CONFLICT (platform, chat_id) DO NOTHING",
                   {platform, chat_id, ToEpochMillis(now)})
               .affected == 1;
}

bool DeleteStaffChat(SqlConnection& conn, const std::string& platform, const std::string& chat_id) {
    return conn.Exec("DELETE FROM staff_chats WHERE platform = $1 AND chat_id = $2",
                     {platform, chat_id})
               .affected == 1;
}

std::vector<core::StaffChat> SelectStaffChats(SqlConnection& conn) {
    const SqlResult r = conn.Exec(
        "SELECT platform, chat_id, enrolled_at FROM staff_chats ORDER BY platform, chat_id");
    std::vector<core::StaffChat> out;
    out.reserve(r.rows.size());
    for (const SqlRow& row : r.rows) {
        out.push_back({row.Text(0), row.Text(1), core::FromEpochMillis(row.Int(2))});
    }
    return out;
}

void InsertLinkCode(SqlConnection& conn, const std::string& code, core::TimePoint expires_at,
                    core::TimePoint now) {
    const std::string code_hash = Sha256Hex(code);
    conn.Exec(
        "INSERT INTO staff_link_codes (code_hash, expires_at, created_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (code_hash) DO UPDATE SET expires_at = excluded.expires_at,"
        " created_at = excluded.created_at",
        {code_hash, ToEpochMillis(expires_at), ToEpochMillis(now)});
}

bool ConsumeLinkCode(SqlConnection& conn, const std::string& code, core::TimePoint now) {
    const std::string code_hash = Sha256Hex(code);
    // DELETE decides: of two units using one code, only one deletes the row.
    const bool used =
        conn.Exec("DELETE FROM staff_link_codes WHERE code_hash = $1 AND expires_at > $2",
                  {code_hash, ToEpochMillis(now)})
            .affected == 1;
    conn.Exec("DELETE FROM staff_link_codes WHERE expires_at <= $1 OR code_hash = $2",
              {ToEpochMillis(now), code_hash});
    return used;
}

}  // namespace bookbot::backends
