// The store's operations as portable SQL, written once for both backends.
// Every statement here runs unchanged on SQLite and PostgreSQL; the only
// dialect difference is SqlConnection::SkipLockedSuffix().

#include <string>

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

std::string Str(std::string_view s) { return std::string(s); }

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

constexpr const char* kBookingColumns =
    "id, platform, user_id, chat_id, service_id, resource, starts_at, ends_at, status, "
    "created_at, updated_at";

Booking BookingFromRow(const SqlRow& r) {
    return {r.Int(0),
            {r.Text(1), r.Text(2)},
            r.Text(3),
            r.Text(4),
            static_cast<int>(r.Int(5)),
            FromMs(r.Int(6)),
            FromMs(r.Int(7)),
            core::ParseBookingStatus(r.Text(8)),
            FromMs(r.Int(9)),
            FromMs(r.Int(10))};
}

template <typename T, typename F>
std::vector<T> MapRows(const SqlResult& result, F from_row) {
    std::vector<T> out;
    out.reserve(result.rows.size());
    for (const SqlRow& row : result.rows) out.push_back(from_row(row));
    return out;
}

class SqlUnitOfWork final : public core::UnitOfWork {
public:
    SqlUnitOfWork(SqlConnection& conn, IdGenerator& ids) : conn_(conn), ids_(ids) {}

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
        conn_.Exec(
            "INSERT INTO conversation_messages (id, platform, user_id, direction, body, "
            "created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            {NewId(at), key.platform, key.user_id, Str(ToString(direction)), text,
             ToEpochMillis(at)});
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
        if (cells.empty() || b.ends_at <= b.starts_at) {
            throw StorageError(StorageError::Kind::kInvalid,
                               "a booking needs an end after its start and at least one cell");
        }
        for (const int resource : resources) {
            // A savepoint per try: a lost cell undoes this try alone (the
            // booking row and any cells already taken), and the unit goes on.
            // (A throw leaves the savepoint open: the store rolls the whole unit back.)
            conn_.Exec("SAVEPOINT place_booking");
            const std::int64_t id = NewId(now);
            if (TryPlace(b, resource, cells, id, now)) {
                conn_.Exec("RELEASE SAVEPOINT place_booking");
                return core::PlacedBooking{id, resource};
            }
            conn_.Exec("ROLLBACK TO SAVEPOINT place_booking");
            conn_.Exec("RELEASE SAVEPOINT place_booking");
        }
        return std::nullopt;
    }

    bool CancelBooking(std::int64_t booking_id, TimePoint now) override {
        const SqlResult r = conn_.Exec(
            "UPDATE bookings SET status = 'cancelled', updated_at = $2"
            " WHERE id = $1 AND status = 'confirmed'",
            {booking_id, ToEpochMillis(now)});
        if (r.affected != 1) return false;
        conn_.Exec("DELETE FROM booking_cells WHERE booking_id = $1", {booking_id});
        DeletePendingReminders(conn_, booking_id);
        return true;
    }

    std::optional<Booking> FindBooking(std::int64_t booking_id) override {
        const SqlResult r =
            conn_.Exec(std::string("SELECT ") + kBookingColumns + " FROM bookings WHERE id = $1",
                       {booking_id});
        if (r.rows.empty()) return std::nullopt;
        return BookingFromRow(r.rows.front());
    }

    std::vector<Booking> UpcomingBookings(const SessionKey& customer, TimePoint now) override {
        return MapRows<Booking>(
            conn_.Exec(std::string("SELECT ") + kBookingColumns +
                           " FROM bookings WHERE platform = $1 AND user_id = $2"
                           " AND status = 'confirmed' AND ends_at > $3 ORDER BY starts_at, id",
                       {customer.platform, customer.user_id, ToEpochMillis(now)}),
            BookingFromRow);
    }

    std::vector<Booking> BookingsBetween(TimePoint from, TimePoint to) override {
        return MapRows<Booking>(
            conn_.Exec(std::string("SELECT ") + kBookingColumns +
                           " FROM bookings WHERE status = 'confirmed'"
                           " AND starts_at >= $1 AND starts_at < $2 ORDER BY starts_at, id",
                       {ToEpochMillis(from), ToEpochMillis(to)}),
            BookingFromRow);
    }

    std::vector<core::OccupiedCell> OccupiedCells(TimePoint from, TimePoint to) override {
        return MapRows<core::OccupiedCell>(
            conn_.Exec("SELECT resource, cell_start, booking_id FROM booking_cells"
                       " WHERE cell_start >= $1 AND cell_start < $2 ORDER BY cell_start, resource",
                       {ToEpochMillis(from), ToEpochMillis(to)}),
            [](const SqlRow& row) {
                return core::OccupiedCell{static_cast<int>(row.Int(0)), FromMs(row.Int(1)),
                                          row.Int(2)};
            });
    }

    std::vector<std::int64_t> CountOccupiedCells(
        const std::vector<std::pair<TimePoint, TimePoint>>& ranges) override {
        if (ranges.empty()) return {};
        // One COUNT per range, tagged with its position: one round trip.
        std::string sql;
        SqlParams params;
        params.reserve(ranges.size() * 2);
        for (std::size_t i = 0; i < ranges.size(); ++i) {
            sql += (i == 0 ? "" : " UNION ALL ") + std::string("SELECT ") + std::to_string(i) +
                   ", COUNT(*) FROM booking_cells WHERE cell_start >= $" +
                   std::to_string(2 * i + 1) + " AND cell_start < $" + std::to_string(2 * i + 2);
            params.emplace_back(ToEpochMillis(ranges[i].first));
            params.emplace_back(ToEpochMillis(ranges[i].second));
        }
        std::vector<std::int64_t> counts(ranges.size(), 0);
        for (const SqlRow& row : conn_.Exec(sql, params).rows) {
            counts.at(static_cast<std::size_t>(row.Int(0))) = row.Int(1);
        }
        return counts;
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
        InsertOutbox(conn_, id, platform, chat_id, body, now);
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
    // Inserts the booking row on `resource` and all its cells; false if a
    // cell was occupied (some rows may then be written: the caller undoes
    // them). DO NOTHING rather than an error, so no error aborts the unit.
    bool TryPlace(const Booking& b, int resource, const std::vector<TimePoint>& cells,
                  std::int64_t id, TimePoint now) {
        conn_.Exec(
            "INSERT INTO bookings (id, platform, user_id, chat_id, service_id, resource,"
            " starts_at, ends_at, status, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'confirmed', $9, $9)",
            {id, b.customer.platform, b.customer.user_id, b.chat_id, b.service_id,
             std::int64_t{resource}, ToEpochMillis(b.starts_at), ToEpochMillis(b.ends_at),
             ToEpochMillis(now)});
        // One statement for all cells: ($1, $3, $2), ($1, $4, $2), ...
        std::string sql = "INSERT INTO booking_cells (resource, cell_start, booking_id) VALUES ";
        SqlParams params = {std::int64_t{resource}, id};
        params.reserve(cells.size() + 2);
        for (std::size_t i = 0; i < cells.size(); ++i) {
            sql += (i == 0 ? "($1, $" : ", ($1, $") + std::to_string(i + 3) + ", $2)";
            params.emplace_back(ToEpochMillis(cells[i]));
        }
        sql += " ON CONFLICT (resource, cell_start) DO NOTHING";
        return conn_.Exec(sql, params).affected == static_cast<std::int64_t>(cells.size());
    }

    std::int64_t NewId(TimePoint now) { return ids_.Next(ToEpochMillis(now)); }

    SqlConnection& conn_;
    IdGenerator& ids_;
};

}  // namespace

std::unique_ptr<core::UnitOfWork> MakeSqlUnitOfWork(SqlConnection& conn, IdGenerator& ids) {
    return std::make_unique<SqlUnitOfWork>(conn, ids);
}

}  // namespace bookbot::backends
