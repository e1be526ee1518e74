#include "data_tables.hpp"

#include <string>

#include "bookbot/core/storage_error.hpp"

namespace bookbot::backends {
namespace {

using core::ColumnSpec;
using core::TableSpec;

constexpr auto kInt = ColumnSpec::Type::kInteger;
constexpr auto kText = ColumnSpec::Type::kText;

ColumnSpec Int(const char* name) { return {name, kInt, false}; }
ColumnSpec Text(const char* name) { return {name, kText, false}; }
ColumnSpec NullableInt(const char* name) { return {name, kInt, true}; }
ColumnSpec NullableText(const char* name) { return {name, kText, true}; }

std::vector<TableSpec> Build() {
    // Mirrors migrations/0001_initial.sql and the columns later migrations add;
    // primary-key columns come first.
    return {
        {"conversation_sessions",
         {Text("platform"), Text("user_id"), Text("chat_id"), Text("context"), Text("step_history"),
          Int("version"), Int("last_activity_at"), Int("expires_at"), Int("created_at")},
         2},
        {"conversation_messages",
         {Int("id"), Text("platform"), Text("user_id"), Text("direction"), Text("body"),
          Int("created_at")},
         1},
        {"human_flags",
         {Int("id"), Text("platform"), Text("user_id"), Text("chat_id"), Text("reason"),
          Int("created_at"), NullableInt("resolved_at")},
         1},
        {"bookings",
         {Int("id"), Text("platform"), Text("user_id"), Text("chat_id"), Text("service_id"),
          Int("resource"), Int("starts_at"), Int("ends_at"), Text("status"), Int("created_at"),
          Int("updated_at")},
         1},
        // After bookings: its booking_id refers to them.
        {"booking_cells", {Int("resource"), Int("cell_start"), Int("booking_id")}, 2},
        // After bookings: its booking_id refers to them (migrations/0005).
        {"booking_reminders",
         {Int("id"), Int("booking_id"), Int("lead_ms"), Int("due_at"), Text("state"),
          Int("created_at"), NullableInt("sent_at")},
         1},
        {"inbound_updates", {Text("platform"), Text("external_id"), Int("received_at")}, 2},
        {"outbox",
         {Int("id"), Text("platform"), Text("chat_id"), Text("body"), Text("status"),
          Int("attempts"), Int("next_attempt_at"), NullableText("claimed_by"),
          NullableInt("claimed_until"), Text("last_error"), Int("created_at"),
          NullableInt("sent_at"),
          // 0003_outbox_delivery_status.sql
          NullableText("platform_message_id"), NullableText("delivery_status"),
          NullableText("delivery_error"), NullableInt("delivery_updated_at")},
         1},
        // migrations/0006_held_delivery_reports.sql
        {"held_delivery_reports",
         {Text("platform"), Text("platform_message_id"), Text("status"), NullableText("error"),
          Int("reported_at"), Int("received_at")},
         3},
        {"transport_state", {Text("name"), Text("value"), Int("updated_at")}, 1},
        // migrations/0004_staff_chats.sql
        {"staff_chats", {Text("platform"), Text("chat_id"), Int("enrolled_at")}, 2},
        {"staff_link_codes", {Text("code_hash"), Int("expires_at"), Int("created_at")}, 1},
    };
}

}  // namespace

const std::vector<TableSpec>& DataTables() {
    static const std::vector<TableSpec> kTables = Build();
    return kTables;
}

const TableSpec& FindDataTable(std::string_view name) {
    for (const TableSpec& table : DataTables()) {
        if (table.name == name) return table;
    }
    throw core::StorageError(core::StorageError::Kind::kInvalid,
                             "no data table called '" + std::string(name) + "'");
}

}  // namespace bookbot::backends
