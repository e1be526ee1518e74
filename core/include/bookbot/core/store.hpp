#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/migration.hpp"
#include "bookbot/core/records.hpp"
#include "bookbot/core/session.hpp"
#include "bookbot/core/storage_error.hpp"
#include "bookbot/core/table_rows.hpp"

namespace bookbot::core {

// The operations of one unit of work. Everything done through one UnitOfWork
// commits or rolls back together: the handling of one inbound update (dedupe,
// session, bookings, history, outbox) is one UnitOfWork.
//
// Every method may throw StorageError; after a throw the unit is rolled back by
// Store::Run and the object must not be used again. Instants are passed in by
// the caller (nothing here reads a clock). Not thread-safe: one thread per unit.
class UnitOfWork {
public:
    virtual ~UnitOfWork() = default;

    // --- inbound dedupe -------------------------------------------------------
    // Records (platform, external_id). Returns false if it was already recorded,
    // by this or any committed unit: the caller then does nothing else.
    virtual bool RecordInbound(const std::string& platform, const std::string& external_id,
                               TimePoint now) = 0;
    // Forgets dedupe records received before `cutoff`, at most `limit` of them.
    virtual std::int64_t DeleteInboundBefore(TimePoint cutoff, std::int64_t limit) = 0;

    // --- sessions -------------------------------------------------------------
    // A session with expires_at <= now reads as absent with `expired` set.
    virtual SessionLookup LoadSession(const SessionKey& key, TimePoint now) = 0;
    // Compare-and-set save: succeeds only if the stored version is still
    // `session.version` (0: no live session exists; an expired one is replaced).
    // Sets last_activity_at = now, expires_at = now + ttl (sliding expiry) and
    // returns the new version. A stale version throws StorageError kConflict.
    virtual std::int64_t SaveSession(const Session& session, TimePoint now, Millis ttl) = 0;
    // Deletes a session outright (e.g. "forget me"); false if there was none.
    virtual bool DeleteSession(const SessionKey& key) = 0;
    // Deletes up to `limit` sessions with expires_at <= now; returns how many.
    virtual std::int64_t DeleteExpiredSessions(TimePoint now, std::int64_t limit) = 0;

    // --- conversation history -------------------------------------------------
    virtual void AppendMessage(const SessionKey& key, Direction direction, const std::string& text,
                               TimePoint at) = 0;
    // The newest `limit` messages of a conversation, oldest first.
    virtual std::vector<ConversationMessage> RecentMessages(const SessionKey& key,
                                                            std::int64_t limit) = 0;

    // --- hand-over to a person ------------------------------------------------
    // Flags the conversation for a person; if it is already flagged, returns the
    // open flag's id and changes nothing.
    virtual std::int64_t FlagForHuman(const SessionKey& key, const std::string& chat_id,
                                      const std::string& reason, TimePoint now) = 0;
    virtual std::optional<HumanFlag> OpenFlag(const SessionKey& key) = 0;
    virtual std::vector<HumanFlag> ListOpenFlags(std::int64_t limit) = 0;
    // Marks an open flag resolved; false if there is no such open flag.
    virtual bool ResolveFlag(std::int64_t flag_id, TimePoint now) = 0;

    // --- staff chats ----------------------------------------------------------
    // Enrols a chat as staff; false (and no change) if it already is.
    virtual bool AddStaffChat(const std::string& platform, const std::string& chat_id,
                              TimePoint now) = 0;
    // Removes an enrolled chat; false if it was not enrolled.
    virtual bool RemoveStaffChat(const std::string& platform, const std::string& chat_id) = 0;
    // Every enrolled chat, by (platform, chat_id).
    virtual std::vector<StaffChat> ListStaffChats() = 0;
    // Stores a one-time enrolment code, usable until `expires_at`. Only its
    // SHA-256 is stored, so reading the database does not reveal a working
    // code. The same code again replaces the earlier row.
    virtual void AddLinkCode(const std::string& code, TimePoint expires_at, TimePoint now) = 0;
    // Uses up a code: true iff it was stored and has not expired at `now`; it
    // is deleted either way, so a code works once (of two racing units only
    // one succeeds). Also forgets every expired code.
    virtual bool UseLinkCode(const std::string& code, TimePoint now) = 0;

    // --- bookings -------------------------------------------------------------
    // Inserts a confirmed booking occupying `cells` (cell starts) of
    // booking.resource. Returns its new id, or nullopt (and writes nothing) if
    // any cell is already occupied: the database's unique index decides, so two
    // racing units can never both succeed.
    virtual std::optional<std::int64_t> InsertBooking(const Booking& booking,
                                                      const std::vector<TimePoint>& cells,
                                                      TimePoint now) = 0;
    // InsertBooking on the first of `resources` (tried in the order given;
    // booking.resource is ignored) whose `cells` are all free. Each try runs
    // inside its own savepoint, so a try that meets an occupied cell leaves
    // nothing behind and the unit stays usable: losing a race for one chair
    // to a concurrent unit is answered by trying the next one, not by failing
    // the unit. A cell held by a concurrent unit that has not finished waits
    // for it (PostgreSQL) and counts as occupied only if that unit commits.
    // Returns the new id and the resource taken, or nullopt (nothing written)
    // if every listed resource had an occupied cell. Throws StorageError
    // kInvalid for no cells or an end not after the start.
    virtual std::optional<PlacedBooking> InsertBookingOnFirstFree(
        const Booking& booking, const std::vector<int>& resources,
        const std::vector<TimePoint>& cells, TimePoint now) = 0;
    // Cancels a confirmed booking, releases its cells and deletes its pending
    // reminders; false if it is not found or not confirmed.
    virtual bool CancelBooking(std::int64_t booking_id, TimePoint now) = 0;
    virtual std::optional<Booking> FindBooking(std::int64_t booking_id) = 0;
    // Confirmed bookings of one customer that have not ended at `now`, by start.
    virtual std::vector<Booking> UpcomingBookings(const SessionKey& customer, TimePoint now) = 0;
    // Confirmed bookings starting in [from, to), by start.
    virtual std::vector<Booking> BookingsBetween(TimePoint from, TimePoint to) = 0;
    // Occupied cells with start in [from, to).
    virtual std::vector<OccupiedCell> OccupiedCells(TimePoint from, TimePoint to) = 0;
    // For each range [first, second), how many cells (of any resource) are
    // occupied with start in it; the counts in the order of `ranges`. One
    // statement answered by an index on the cell start: its cost does not
    // grow with bookings outside the ranges. Ranges may overlap.
    virtual std::vector<std::int64_t> CountOccupiedCells(
        const std::vector<std::pair<TimePoint, TimePoint>>& ranges) = 0;
    // The resources among `candidates` with an occupied cell starting in
    // [from, to), ascending, each once. One statement. On SQLite its cost
    // grows with the candidates (one primary-key seek each), not with the
    // bookings; PostgreSQL reads the range's busy resources from an index,
    // which measured cheaper there. At most 256 candidates; none gives an
    // empty answer.
    virtual std::vector<int> BusyAmong(TimePoint from, TimePoint to,
                                       const std::vector<int>& candidates) = 0;

    // --- reminders (due work) -------------------------------------------------
    // Adds a pending reminder of `booking_id`, `lead` before its start, due at
    // `due_at`. Returns false (and changes nothing) if the booking already has
    // one with this lead. The caller decides which reminders make sense (none
    // already due, none for a platform that cannot deliver them).
    virtual bool AddReminder(std::int64_t booking_id, Millis lead, TimePoint due_at,
                             TimePoint now) = 0;
    // Takes up to `limit` pending reminders due at `now` (due_at <= now),
    // earliest first, and marks them sent at `now`. A reminder is taken by
    // exactly one unit that commits, also when several processes share the
    // database: PostgreSQL skips rows a running unit has taken (it commits or
    // rolls back without blocking this one); SQLite serialises writers. If the
    // unit rolls back, they are pending again: take, then enqueue the message
    // in the same unit, and a crash does both or neither.
    virtual std::vector<Reminder> TakeDueReminders(TimePoint now, std::int64_t limit) = 0;
    // The earliest due_at of any pending reminder (due or not); nullopt if none.
    virtual std::optional<TimePoint> NextReminderDue() = 0;
    // Every reminder of a booking, pending or sent, by due_at.
    virtual std::vector<Reminder> RemindersOf(std::int64_t booking_id) = 0;

    // --- outbox ---------------------------------------------------------------
    // Queues a message for delivery; it becomes due at `now`. Returns its id.
    virtual std::int64_t Enqueue(const std::string& platform, const std::string& chat_id,
                                 const std::string& body, TimePoint now) = 0;
    // Claims up to `limit` due pending messages of `platform` for `worker` until
    // now + lease.
    // Only the oldest pending message of each chat is claimable, so a chat's
    // messages go out in order. A message claimed by another worker whose lease
    // has not run out is never returned, also when several processes share one
    // database.
    virtual std::vector<OutboxMessage> ClaimOutbox(const std::string& worker,
                                                   const std::string& platform, TimePoint now,
                                                   Millis lease, std::int64_t limit) = 0;
    // ClaimOutbox for one chat: its oldest pending message, if due and not
    // claimed (what a transport serving one conversation, the terminal, needs).
    virtual std::optional<OutboxMessage> ClaimChatOutbox(const std::string& worker,
                                                         const std::string& platform,
                                                         const std::string& chat_id, TimePoint now,
                                                         Millis lease) = 0;
    // ClaimOutbox claims its whole batch with one statement (a round trip, not
    // one per message), and attempts counts the claim.
    //
    // Outcome of a claimed message; each returns false if `worker` no longer
    // holds the claim (it ran out and someone else took it).
    virtual bool MarkSent(std::int64_t id, const std::string& worker, TimePoint now) = 0;
    // MarkSent for a whole batch in one statement (per 500 ids): each message of
    // `ids` that `worker` still holds becomes sent at `now`. Returns the ids it
    // no longer held, in ascending order; those rows are left as they are.
    // Duplicates in `ids` count once; an empty `ids` does nothing.
    virtual std::vector<std::int64_t> MarkSentMany(const std::vector<std::int64_t>& ids,
                                                   const std::string& worker, TimePoint now) = 0;
    virtual bool MarkRetry(std::int64_t id, const std::string& worker, TimePoint next_attempt_at,
                           const std::string& error) = 0;
    virtual bool MarkDead(std::int64_t id, const std::string& worker, const std::string& error) = 0;
    virtual std::vector<OutboxMessage> ListOutbox(OutboxStatus status, std::int64_t limit) = 0;
    virtual std::int64_t CountOutbox(OutboxStatus status) = 0;

    // --- delivery reports (what the platform says became of a sent message) ---
    // Stores the id the platform gave each sent message (`ids`: outbox id →
    // platform message id), in one statement per 250 pairs, so its later
    // reports can find it. Only rows already sent are changed; returns how
    // many were. In the same unit it applies, as RecordDelivery would, the
    // reports held for those ids (HoldDelivery) and forgets them: a report
    // that overtook "sent" is never lost. An empty `ids` does nothing.
    virtual std::int64_t SetPlatformMessageIds(
        const std::vector<std::pair<std::int64_t, std::string>>& ids) = 0;
    // Applies one report to the message of `platform` whose platform message
    // id it names. Statuses only move forward (sent < delivered < read);
    // failed is final, over any other, and keeps report.error. An older or
    // equal report changes nothing (kStale): reports arrive out of order and
    // more than once. A report naming no known message writes nothing
    // (kUnknown); never an error for that.
    virtual DeliveryUpdate RecordDelivery(const std::string& platform,
                                          const DeliveryReport& report) = 0;
    // Keeps a report RecordDelivery found no message for (kUnknown), received
    // at `now`: it may be about a message whose "sent" the dispatcher has not
    // committed yet. SetPlatformMessageIds applies it once the id is stored.
    // The same report (message id and status) is held once. Returns false and
    // keeps nothing when `capacity` reports are already held (a bound, not
    // exact: two concurrent units may both take the last place).
    [[nodiscard]] virtual bool HoldDelivery(const std::string& platform,
                                            const DeliveryReport& report, TimePoint now,
                                            std::int64_t capacity) = 0;
    // Tidies the held reports: applies those whose message now has its id (on
    // PostgreSQL a unit holding a report can race the unit storing the id so
    // that neither sees the other's write), and drops those received before
    // `expired_before` (the id never came: a message sent by something else
    // on the same number, or a send lost in a crash). Cheap when none are held.
    virtual HeldDeliveries ReconcileHeldDeliveries(TimePoint expired_before) = 0;
    // Sent messages whose delivery the platform reported failed, newest
    // report first, at most `limit`; and how many there are in all.
    virtual std::vector<OutboxMessage> ListFailedDeliveries(std::int64_t limit) = 0;
    virtual std::int64_t CountFailedDeliveries() = 0;

    // --- transport state (e.g. a long-polling offset) -------------------------
    virtual std::optional<std::string> GetTransportState(const std::string& name) = 0;
    // GetTransportState for many names in one statement (per 500 names): the
    // value of each of `names` that is stored, by name; duplicates count once.
    virtual std::map<std::string, std::string> GetTransportStates(
        const std::vector<std::string>& names) = 0;
    virtual void PutTransportState(const std::string& name, const std::string& value,
                                   TimePoint now) = 0;

    // --- operator actions -----------------------------------------------------
    // Any flag, open or resolved; nullopt if there is none with this id.
    virtual std::optional<HumanFlag> FindFlag(std::int64_t flag_id) = 0;
    // Puts a dead outbox message back to pending: due at `now`, attempts 0, no
    // claim (last_error is kept until the next attempt replaces it). False if
    // there is no dead message with this id.
    virtual bool RequeueDead(std::int64_t id, TimePoint now) = 0;

    // --- whole tables (bookbot copy) ------------------------------------------
    // `table` is always one of Store::DataTables(); any other name throws
    // StorageError kInvalid. Rows hold values in the table's column order.
    //
    // Up to `limit` rows in primary-key order, starting after the row whose key
    // is `after_key` (from the first row if nullopt): keyset paging, so pages
    // stay cheap and stable however large the table. The order is the
    // backend's own; it is stable, but text keys may sort differently on
    // another backend (compare tables as sets, not sequences).
    virtual std::vector<Row> ExportRows(const std::string& table,
                                        const std::optional<Row>& after_key,
                                        std::int64_t limit) = 0;
    // Inserts `rows`; a row whose primary key is already present is skipped and
    // the stored one kept, so importing the same rows again changes nothing.
    // Returns how many rows were inserted. A row of the wrong length, or with a
    // value of the wrong type for its column (or NULL where not nullable),
    // throws StorageError kInvalid.
    virtual std::int64_t ImportRows(const std::string& table, const std::vector<Row>& rows) = 0;
    virtual std::int64_t CountRows(const std::string& table) = 0;
};

// The port core owns; backends implement it. Thread-safe: any number of threads
// may run units concurrently (each on its own connection).
class Store {
public:
    enum class Access { kRead, kWrite };

    virtual ~Store() = default;

    // Runs `work` as one transaction: commits when it returns, rolls back when
    // it throws (the exception propagates). Driver failures surface as
    // StorageError. Does not retry: see RunWithRetry.
    virtual void Run(Access access, const std::function<void(UnitOfWork&)>& work) = 0;

    // Applies pending migrations in order, each once in its own transaction,
    // under a lock that makes concurrent callers safe. Returns those applied.
    // Throws StorageError kSchema on a checksum mismatch or a newer schema.
    virtual std::vector<MigrationInfo> Migrate(TimePoint now) = 0;
    // Every known and applied migration, in version order.
    virtual MigrationStatus GetMigrationStatus() = 0;

    // Tables, columns and indexes as sorted, backend-neutral lines
    // ("column sessions.version bigint not null"), for comparing backends.
    virtual std::vector<std::string> DescribeSchema() = 0;

    // "sqlite" or "postgres".
    virtual std::string BackendName() const = 0;

    // How durable a commit is, as a live connection reports it:
    // "synchronous=full" or "synchronous=normal" (SQLite: full unless the URL
    // opts out), "synchronous_commit=<setting>" (PostgreSQL). For logs and
    // `bookbot doctor`; throws StorageError if the database cannot be reached.
    virtual std::string Durability() = 0;

    // Every table of the store's data (all the schema's tables but the
    // migration bookkeeping), each after the tables it refers to, so importing
    // them in this order satisfies every reference. The same list, with the
    // same columns and keys, on every backend.
    virtual std::vector<TableSpec> DataTables() const = 0;
    // The URL with any password masked: safe for logs.
    virtual std::string RedactedUrl() const = 0;

    // Convenience: Run(kWrite, work), returning what `work` returns.
    template <typename Work>
    auto Write(Work&& work) {
        return RunReturning(Access::kWrite, std::forward<Work>(work));
    }
    // Convenience: Run(kRead, work), returning what `work` returns.
    template <typename Work>
    auto Read(Work&& work) {
        return RunReturning(Access::kRead, std::forward<Work>(work));
    }

    // Throws StorageError kSchema unless every known migration is applied and
    // the database knows no newer one: what every command but `migrate` needs.
    void RequireCurrentSchema();

private:
    template <typename Work>
    auto RunReturning(Access access, Work&& work) {
        using Result = std::invoke_result_t<Work&, UnitOfWork&>;
        if constexpr (std::is_void_v<Result>) {
            Run(access, work);
        } else {
            std::optional<Result> result;
            Run(access, [&](UnitOfWork& unit) { result.emplace(work(unit)); });
            return std::move(*result);
        }
    }
};

// Runs `work` as a write unit, running it again from scratch when it fails
// with a retryable StorageError (conflict, or a blip of the database), up to
// `attempts` times in all; the last failure propagates. Returns the number of
// retries it needed.
int RunWithRetry(Store& store, const std::function<void(UnitOfWork&)>& work, int attempts = 5);

// Deletes every session expired at `now`, `batch` rows per transaction (so a
// large sweep never holds the write lock for long). Returns how many.
std::int64_t SweepExpiredSessions(Store& store, TimePoint now, std::int64_t batch = 500);

}  // namespace bookbot::core
