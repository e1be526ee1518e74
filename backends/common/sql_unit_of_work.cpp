// The store's operations as portable SQL, written once for both backends.
// Every statement here runs unchanged on SQLite and PostgreSQL; the only
// dialect differences are SqlConnection's SkipLockedSuffix(), InListBuildsTable()
// and WritesInWith().

#include <algorithm>
#include <map>
#include <string>

#include "appending_connection.hpp"
#include "bookings_sql.hpp"
#include "data_tables.hpp"
#include "held_deliveries_sql.hpp"
#include "outbox_sql.hpp"
#include "reminders_sql.hpp"
#include "sql_store.hpp"
#include "staff_sql.hpp"
#include "table_rows_sql.hpp"

namespace bookbot::backends {
namespace {

using core::Booking;
using core::ConversationMessage;
using core::HumanFlag;
using core::Millis;
using core::OutboxMessage;
using core::OutboxStatus;
using core::Session;
using core::SessionKey;
using core::StorageError;
using core::TimePoint;
using core::ToEpochMillis;

constexpr auto FromMs = core::FromEpochMillis;

std::optional<TimePoint> OptionalTime(const SqlRow& row, std::size_t i) {
    if (auto ms = row.OptionalInt(i)) return FromMs(*ms);
    return std::nullopt;
}

constexpr const char* kSessionColumns =
    "platform, user_id, chat_id, context, step_history, version, last_activity_at, expires_at, "
    "created_at";

Session SessionFromRow(const SqlRow& r) {
    Session s;
    s.key = {r.Text(0), r.Text(1)};
    s.chat_id = r.Text(2);
    s.context = DecodeContext(r.Text(3));
    s.step_history = DecodeStepHistory(r.Text(4));
    s.version = r.Int(5);
    s.last_activity_at = FromMs(r.Int(6));
    s.expires_at = FromMs(r.Int(7));
    s.created_at = FromMs(r.Int(8));
    return s;
}

constexpr const char* kFlagColumns =
    "id, platform, user_id, chat_id, reason, created_at, resolved_at";

HumanFlag FlagFromRow(const SqlRow& r) {
    return {r.Int(0),  {r.Text(1), r.Text(2)}, r.Text(3),
            r.Text(4), FromMs(r.Int(5)),       OptionalTime(r, 6)};
}

template <typename T, typename F>
std::vector<T> MapRows(const SqlResult& result, F from_row) {
    std::vector<T> out;
    out.reserve(result.rows.size());
    for (const SqlRow& row : result.rows) out.push_back(from_row(row));
    return out;
}

class SqlUnitOfWork final : public SqlUnit {
public:
    SqlUnitOfWork(SqlConnection& conn, IdGenerator& ids) : conn_(conn), ids_(ids) {}

    void Finish() override { conn_.WriteHeld(); }

    bool RecordInbound(const std::string& platform, const std::string& external_id,
                       TimePoint now) override {
        return conn_
                   .Exec(
                       "INSERT INTO inbound_updates (platform, external_id, received_at) "
                       "VALUES ($1, $2, $3) ON CONFLICT (platform, external_id) DO NOTHING",
                       {platform, external_id, ToEpochMillis(now)})
                   .affected == 1;
    }

    std::int64_t DeleteInboundBefore(TimePoint cutoff, std::int64_t limit) override {
        return conn_
            .Exec(
                "DELETE FROM inbound_updates WHERE (platform, external_id) IN ("
                " SELECT platform, external_id FROM inbound_updates"
                " WHERE received_at < $1 LIMIT $2)",
                {ToEpochMillis(cutoff), limit})
            .affected;
    }

    core::SessionLookup LoadSession(const SessionKey& key, TimePoint now) override {
        const SqlResult r = conn_.Exec(std::string("SELECT ") + kSessionColumns +
                                           " FROM conversation_sessions"
                                           " WHERE platform = $1 AND user_id = $2",
                                       {key.platform, key.user_id});
        if (r.rows.empty()) return {};
        Session s = SessionFromRow(r.rows.front());
        if (s.expires_at <= now) return {std::nullopt, true};
        return {std::move(s), false};
    }

    std::int64_t SaveSession(const Session& s, TimePoint now, Millis ttl) override {
        const std::int64_t now_ms = ToEpochMillis(now);
        const std::int64_t expires_ms = ToEpochMillis(now + ttl);
        const std::string context = EncodeContext(s.context);
        const std::string history = EncodeStepHistory(s.step_history);
        SqlResult r;
        if (s.version == 0) {
            // New conversation; an expired row left for the sweep is taken over.
            r = conn_.Exec(
                "INSERT INTO conversation_sessions (platform, user_id, chat_id, context,"
                " step_history, version, last_activity_at, expires_at, created_at)"
                " VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $6)"
                " ON CONFLICT (platform, user_id) DO UPDATE SET"
                " chat_id = excluded.chat_id, context = excluded.context,"
                " step_history = excluded.step_history,"
                " version = conversation_sessions.version + 1,"
                " last_activity_at = excluded.last_activity_at,"
                " expires_at = excluded.expires_at, created_at = excluded.created_at"
                " WHERE conversation_sessions.expires_at <= $6"
                " RETURNING version",
                {s.key.platform, s.key.user_id, s.chat_id, context, history, now_ms, expires_ms});
        } else {
            r = conn_.Exec(
                "UPDATE conversation_sessions SET chat_id = $3, context = $4, step_history = $5,"
                " version = version + 1, last_activity_at = $6, expires_at = $7"
                " WHERE platform = $1 AND user_id = $2 AND version = $8 AND expires_at > $6"
                " RETURNING version",
                {s.key.platform, s.key.user_id, s.chat_id, context, history, now_ms, expires_ms,
                 s.version});
        }
        if (r.rows.empty()) {
            throw StorageError(StorageError::Kind::kConflict,
                               "session " + s.key.platform + "/" + s.key.user_id +
                                   " changed since it was read (version " +
                                   std::to_string(s.version) + ", or it expired)");
        }
        return r.rows.front().Int(0);
    }

    bool DeleteSession(const SessionKey& key) override {
        return conn_
                   .Exec("DELETE FROM conversation_sessions WHERE platform = $1 AND user_id = $2",
                         {key.platform, key.user_id})
                   .affected == 1;
    }

    std::int64_t DeleteExpiredSessions(TimePoint now, std::int64_t limit) override {
        return conn_
            .Exec(
                "DELETE FROM conversation_sessions WHERE (platform, user_id) IN ("
                " SELECT platform, user_id FROM conversation_sessions"
                " WHERE expires_at <= $1 LIMIT $2) AND expires_at <= $1",
                {ToEpochMillis(now), limit})
            .affected;
    }

    void AppendMessage(const SessionKey& key, core::Direction direction, const std::string& text,
                       TimePoint at) override {
        conn_.AppendMessage(NewId(at), key.platform, key.user_id, ToString(direction), text, at);
    }

    std::vector<ConversationMessage> RecentMessages(const SessionKey& key,
                                                    std::int64_t limit) override {
        const SqlResult r = conn_.Exec(
            "SELECT id, platform, user_id, direction, body, created_at FROM ("
            " SELECT * FROM conversation_messages WHERE platform = $1 AND user_id = $2"
            " ORDER BY id DESC LIMIT $3) AS newest ORDER BY id",
            {key.platform, key.user_id, limit});
        return MapRows<ConversationMessage>(r, [](const SqlRow& row) {
            return ConversationMessage{row.Int(0),
                                       {row.Text(1), row.Text(2)},
                                       core::ParseDirection(row.Text(3)),
                                       row.Text(4),
                                       FromMs(row.Int(5))};
        });
    }

    std::int64_t FlagForHuman(const SessionKey& key, const std::string& chat_id,
                              const std::string& reason, TimePoint now) override {
        if (auto open = OpenFlag(key)) return open->id;
        const std::int64_t id = NewId(now);
        const SqlResult r = conn_.Exec(
            "INSERT INTO human_flags (id, platform, user_id, chat_id, reason, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6)"
            " ON CONFLICT (platform, user_id) WHERE resolved_at IS NULL DO NOTHING",
            {id, key.platform, key.user_id, chat_id, reason, ToEpochMillis(now)});
        if (r.affected == 1) return id;
        // Another unit flagged it meanwhile and committed: that flag stands.
        if (auto open = OpenFlag(key)) return open->id;
        throw StorageError(StorageError::Kind::kConflict, "human flag changed concurrently");
    }

    std::optional<HumanFlag> OpenFlag(const SessionKey& key) override {
        const SqlResult r = conn_.Exec(std::string("SELECT ") + kFlagColumns +
                                           " FROM human_flags WHERE platform = $1 AND user_id = $2"
                                           " AND resolved_at IS NULL",
                                       {key.platform, key.user_id});
        if (r.rows.empty()) return std::nullopt;
        return FlagFromRow(r.rows.front());
    }

    std::vector<HumanFlag> ListOpenFlags(std::int64_t limit) override {
        return MapRows<HumanFlag>(
            conn_.Exec(std::string("SELECT ") + kFlagColumns +
                           " FROM human_flags WHERE resolved_at IS NULL ORDER BY id LIMIT $1",
                       {limit}),
            FlagFromRow);
    }

    bool ResolveFlag(std::int64_t flag_id, TimePoint now) override {
        return conn_
                   .Exec(
                       "UPDATE human_flags SET resolved_at = $2"
                       " WHERE id = $1 AND resolved_at IS NULL",
                       {flag_id, ToEpochMillis(now)})
                   .affected == 1;
    }

    bool AddStaffChat(const std::string& platform, const std::string& chat_id,
                      TimePoint now) override {
        return InsertStaffChat(conn_, platform, chat_id, now);
    }
    bool RemoveStaffChat(const std::string& platform, const std::string& chat_id) override {
        return DeleteStaffChat(conn_, platform, chat_id);
    }
    std::vector<core::StaffChat> ListStaffChats() override { return SelectStaffChats(conn_); }
    void AddLinkCode(const std::string& code_hash, TimePoint expires_at, TimePoint now) override {
        InsertLinkCode(conn_, code_hash, expires_at, now);
    }
    bool UseLinkCode(const std::string& code_hash, TimePoint now) override {
        return ConsumeLinkCode(conn_, code_hash, now);
    }

    std::optional<std::int64_t> InsertBooking(const Booking& b, const std::vector<TimePoint>& cells,
                                              TimePoint now) override {
        const auto placed = InsertBookingOnFirstFree(b, {b.resource}, cells, now);
        if (!placed) return std::nullopt;
        return placed->id;
    }

    std::optional<core::PlacedBooking> InsertBookingOnFirstFree(const Booking& b,
                                                                const std::vector<int>& resources,
                                                                const std::vector<TimePoint>& cells,
                                                                TimePoint now) override {
        return PlaceBooking(
            conn_, b, resources, cells, [&] { return NewId(now); }, now);
    }

    bool CancelBooking(std::int64_t booking_id, TimePoint now) override {
        if (!CancelBookingRow(conn_, booking_id, now)) return false;
        DeletePendingReminders(conn_, booking_id);
        return true;
    }

    std::optional<Booking> FindBooking(std::int64_t booking_id) override {
        return FindBookingRow(conn_, booking_id);
    }

    std::vector<Booking> UpcomingBookings(const SessionKey& customer, TimePoint now) override {
        return UpcomingBookingRows(conn_, customer, now);
    }

    std::vector<Booking> BookingsBetween(TimePoint from, TimePoint to) override {
        return BookingRowsBetween(conn_, from, to);
    }

    std::vector<core::OccupiedCell> OccupiedCells(TimePoint from, TimePoint to) override {
        return OccupiedCellRows(conn_, from, to);
    }

    std::vector<std::int64_t> CountOccupiedCells(
        const std::vector<std::pair<TimePoint, TimePoint>>& ranges) override {
        return CountOccupiedCellRows(conn_, ranges);
    }

    std::vector<int> BusyAmong(TimePoint from, TimePoint to,
                               const std::vector<int>& candidates) override {
        return BusyResourcesAmong(conn_, from, to, candidates);
    }

    bool AddReminder(std::int64_t booking_id, Millis lead, TimePoint due_at,
                     TimePoint now) override {
        return InsertReminder(conn_, NewId(now), booking_id, lead, due_at, now);
    }

    std::vector<core::Reminder> TakeDueReminders(TimePoint now, std::int64_t limit) override {
        return TakeDueReminderRows(conn_, now, limit);
    }

    std::optional<TimePoint> NextReminderDue() override { return NextPendingReminder(conn_); }

    std::vector<core::Reminder> RemindersOf(std::int64_t booking_id) override {
        return ReminderRowsOf(conn_, booking_id);
    }

    std::int64_t Enqueue(const std::string& platform, const std::string& chat_id,
                         const std::string& body, TimePoint now) override {
        const std::int64_t id = NewId(now);
        conn_.AppendOutbox(id, platform, chat_id, body, now);
        return id;
    }

    std::vector<OutboxMessage> ClaimOutbox(const std::string& worker, const std::string& platform,
                                           TimePoint now, Millis lease,
                                           std::int64_t limit) override {
        return ClaimOutboxRows(conn_, worker, platform, nullptr, now, lease, limit);
    }

    std::optional<OutboxMessage> ClaimChatOutbox(const std::string& worker,
                                                 const std::string& platform,
                                                 const std::string& chat_id, TimePoint now,
                                                 Millis lease) override {
        auto claimed = ClaimOutboxRows(conn_, worker, platform, &chat_id, now, lease, 1);
        if (claimed.empty()) return std::nullopt;
        return std::move(claimed.front());
    }

    bool MarkSent(std::int64_t id, const std::string& worker, TimePoint now) override {
        return MarkOutboxSent(conn_, {id}, worker, now).empty();
    }

    std::vector<std::int64_t> MarkSentMany(const std::vector<std::int64_t>& ids,
                                           const std::string& worker, TimePoint now) override {
        return MarkOutboxSent(conn_, ids, worker, now);
    }

    bool MarkRetry(std::int64_t id, const std::string& worker, TimePoint next_attempt_at,
                   const std::string& error) override {
        return MarkOutboxRetry(conn_, id, worker, next_attempt_at, error);
    }

    bool MarkDead(std::int64_t id, const std::string& worker, const std::string& error) override {
        return MarkOutboxDead(conn_, id, worker, error);
    }

    std::vector<OutboxMessage> ListOutbox(OutboxStatus status, std::int64_t limit) override {
        return ListOutboxRows(conn_, status, limit);
    }

    std::int64_t CountOutbox(OutboxStatus status) override {
        return CountOutboxRows(conn_, status);
    }

    std::int64_t SetPlatformMessageIds(
        const std::vector<std::pair<std::int64_t, std::string>>& ids) override {
        const std::int64_t changed = SetOutboxPlatformIds(conn_, ids);
        if (changed > 0) (void)ApplyHeldReportsFor(conn_, ids);
        return changed;
    }

    core::DeliveryUpdate RecordDelivery(const std::string& platform,
                                        const core::DeliveryReport& report) override {
        return RecordOutboxDelivery(conn_, platform, report);
    }

    bool HoldDelivery(const std::string& platform, const core::DeliveryReport& report,
                      TimePoint now, std::int64_t capacity) override {
        return HoldDeliveryReport(conn_, platform, report, now, capacity);
    }

    core::HeldDeliveries ReconcileHeldDeliveries(TimePoint expired_before) override {
        return ReconcileHeldReports(conn_, expired_before);
    }

    std::vector<OutboxMessage> ListFailedDeliveries(std::int64_t limit) override {
        return ListFailedDeliveryRows(conn_, limit);
    }

    std::int64_t CountFailedDeliveries() override { return CountFailedDeliveryRows(conn_); }

    std::optional<std::string> GetTransportState(const std::string& name) override {
        const SqlResult r = conn_.Exec("SELECT value FROM transport_state WHERE name = $1", {name});
        if (r.rows.empty()) return std::nullopt;
        return r.rows.front().Text(0);
    }

    std::map<std::string, std::string> GetTransportStates(
        const std::vector<std::string>& names) override {
        constexpr std::size_t kNamesPerStatement = 500;
        std::map<std::string, std::string> values;
        for (std::size_t start = 0; start < names.size(); start += kNamesPerStatement) {
            const std::size_t end = std::min(names.size(), start + kNamesPerStatement);
            SqlParams params(names.begin() + static_cast<std::ptrdiff_t>(start),
                             names.begin() + static_cast<std::ptrdiff_t>(end));
            std::string in;
            for (std::size_t i = 1; i <= params.size(); ++i) {
                in += (i == 1 ? "$" : ", $") + std::to_string(i);
            }
            for (const SqlRow& row :
                 conn_
                     .Exec("SELECT name, value FROM transport_state WHERE name IN (" + in + ")",
                           params)
                     .rows) {
                values.emplace(row.Text(0), row.Text(1));
            }
        }
        return values;
    }

    void PutTransportState(const std::string& name, const std::string& value,
                           TimePoint now) override {
        conn_.Exec(
            "INSERT INTO transport_state (name, value, updated_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
            " updated_at = excluded.updated_at",
            {name, value, ToEpochMillis(now)});
    }

    std::optional<HumanFlag> FindFlag(std::int64_t flag_id) override {
        const SqlResult r = conn_.Exec(
            std::string("SELECT ") + kFlagColumns + " FROM human_flags WHERE id = $1", {flag_id});
        if (r.rows.empty()) return std::nullopt;
        return FlagFromRow(r.rows.front());
    }

    bool RequeueDead(std::int64_t id, TimePoint now) override {
        return RequeueDeadOutbox(conn_, id, now);
    }

    std::vector<core::Row> ExportRows(const std::string& table,
                                      const std::optional<core::Row>& after_key,
                                      std::int64_t limit) override {
        return ExportTableRows(conn_, FindDataTable(table), after_key, limit);
    }

    std::int64_t ImportRows(const std::string& table, const std::vector<core::Row>& rows) override {
        return ImportTableRows(conn_, FindDataTable(table), rows);
    }

    std::int64_t CountRows(const std::string& table) override {
        return CountTableRows(conn_, FindDataTable(table));
    }

private:
    std::int64_t NewId(TimePoint now) { return ids_.Next(ToEpochMillis(now)); }

    AppendingConnection conn_;
    IdGenerator& ids_;
};

}  // namespace

std::unique_ptr<SqlUnit> MakeSqlUnitOfWork(SqlConnection& conn, IdGenerator& ids) {
    return std::make_unique<SqlUnitOfWork>(conn, ids);
}

}  // namespace bookbot::backends
