#pragma once

// A store that fails on purpose, at a chosen point, with a chosen
// StorageError kind: the test double for "the database broke right there"
// (leveldb's FaultInjectionTestEnv is the model). It wraps any real store, so
// everything that does not fail really happens in the real database.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bookbot/core/store.hpp"
#include "bookbot/core/store_wrapper.hpp"

namespace bookbot::testing {

// Forwards every UnitOfWork call to `target`, calling Before(method name)
// first: the base for decorators (leveldb's EnvWrapper). A new UnitOfWork
// method needs one forwarding line here, nothing else.
class UnitOfWorkWrapper : public core::UnitOfWork {
public:
    explicit UnitOfWorkWrapper(core::UnitOfWork& target) : target_(target) {}

protected:
    // Runs before each forwarded call; may throw instead of letting it run.
    virtual void Before(std::string_view method) = 0;

private:
    // Defined before its uses: its return type is deduced.
    template <typename Method, typename... Args>
    decltype(auto) Forward(std::string_view name, Method method, Args&&... args) {
        Before(name);
        return (target_.*method)(std::forward<Args>(args)...);
    }

    core::UnitOfWork& target_;

public:
    using TimePoint = core::TimePoint;
    using Millis = core::Millis;
    using Row = core::Row;
    using SessionKey = core::SessionKey;

    // clang-format off
    bool RecordInbound(const std::string& p, const std::string& e, TimePoint now) override { return Forward("RecordInbound", &UnitOfWork::RecordInbound, p, e, now); }
    std::int64_t DeleteInboundBefore(TimePoint c, std::int64_t l) override { return Forward("DeleteInboundBefore", &UnitOfWork::DeleteInboundBefore, c, l); }
    core::SessionLookup LoadSession(const SessionKey& k, TimePoint now) override { return Forward("LoadSession", &UnitOfWork::LoadSession, k, now); }
    std::int64_t SaveSession(const core::Session& s, TimePoint now, Millis ttl) override { return Forward("SaveSession", &UnitOfWork::SaveSession, s, now, ttl); }
    bool DeleteSession(const SessionKey& k) override { return Forward("DeleteSession", &UnitOfWork::DeleteSession, k); }
    std::int64_t DeleteExpiredSessions(TimePoint now, std::int64_t l) override { return Forward("DeleteExpiredSessions", &UnitOfWork::DeleteExpiredSessions, now, l); }
    void AppendMessage(const SessionKey& k, core::Direction d, const std::string& t, TimePoint at) override { Forward("AppendMessage", &UnitOfWork::AppendMessage, k, d, t, at); }
    std::vector<core::ConversationMessage> RecentMessages(const SessionKey& k, std::int64_t l) override { return Forward("RecentMessages", &UnitOfWork::RecentMessages, k, l); }
    std::int64_t FlagForHuman(const SessionKey& k, const std::string& c, const std::string& r, TimePoint now) override { return Forward("FlagForHuman", &UnitOfWork::FlagForHuman, k, c, r, now); }
    std::optional<core::HumanFlag> OpenFlag(const SessionKey& k) override { return Forward("OpenFlag", &UnitOfWork::OpenFlag, k); }
    std::vector<core::HumanFlag> ListOpenFlags(std::int64_t l) override { return Forward("ListOpenFlags", &UnitOfWork::ListOpenFlags, l); }
    bool ResolveFlag(std::int64_t id, TimePoint now) override { return Forward("ResolveFlag", &UnitOfWork::ResolveFlag, id, now); }
    bool AddStaffChat(const std::string& p, const std::string& c, TimePoint now) override { return Forward("AddStaffChat", &UnitOfWork::AddStaffChat, p, c, now); }
    bool RemoveStaffChat(const std::string& p, const std::string& c) override { return Forward("RemoveStaffChat", &UnitOfWork::RemoveStaffChat, p, c); }
    std::vector<core::StaffChat> ListStaffChats() override { return Forward("ListStaffChats", &UnitOfWork::ListStaffChats); }
    void AddLinkCode(const std::string& h, TimePoint e, TimePoint now) override { Forward("AddLinkCode", &UnitOfWork::AddLinkCode, h, e, now); }
    bool UseLinkCode(const std::string& h, TimePoint now) override { return Forward("UseLinkCode", &UnitOfWork::UseLinkCode, h, now); }
    std::optional<std::int64_t> InsertBooking(const core::Booking& b, const std::vector<TimePoint>& c, TimePoint now) override { return Forward("InsertBooking", &UnitOfWork::InsertBooking, b, c, now); }
    std::optional<core::PlacedBooking> InsertBookingOnFirstFree(const core::Booking& b, const std::vector<int>& r, const std::vector<TimePoint>& c, TimePoint now) override { return Forward("InsertBookingOnFirstFree", &UnitOfWork::InsertBookingOnFirstFree, b, r, c, now); }
    bool CancelBooking(std::int64_t id, TimePoint now) override { return Forward("CancelBooking", &UnitOfWork::CancelBooking, id, now); }
    std::optional<core::Booking> FindBooking(std::int64_t id) override { return Forward("FindBooking", &UnitOfWork::FindBooking, id); }
    std::vector<core::Booking> UpcomingBookings(const SessionKey& k, TimePoint now) override { return Forward("UpcomingBookings", &UnitOfWork::UpcomingBookings, k, now); }
    std::vector<core::Booking> BookingsBetween(TimePoint f, TimePoint t) override { return Forward("BookingsBetween", &UnitOfWork::BookingsBetween, f, t); }
    std::vector<core::OccupiedCell> OccupiedCells(TimePoint f, TimePoint t) override { return Forward("OccupiedCells", &UnitOfWork::OccupiedCells, f, t); }
    std::vector<std::int64_t> CountOccupiedCells(const std::vector<std::pair<TimePoint, TimePoint>>& r) override { return Forward("CountOccupiedCells", &UnitOfWork::CountOccupiedCells, r); }
    std::vector<int> BusyAmong(TimePoint f, TimePoint t, const std::vector<int>& c) override { return Forward("BusyAmong", &UnitOfWork::BusyAmong, f, t, c); }
    bool AddReminder(std::int64_t b, Millis lead, TimePoint due, TimePoint now) override { return Forward("AddReminder", &UnitOfWork::AddReminder, b, lead, due, now); }
    std::vector<core::Reminder> TakeDueReminders(TimePoint now, std::int64_t l) override { return Forward("TakeDueReminders", &UnitOfWork::TakeDueReminders, now, l); }
    std::optional<TimePoint> NextReminderDue() override { return Forward("NextReminderDue", &UnitOfWork::NextReminderDue); }
    std::vector<core::Reminder> RemindersOf(std::int64_t b) override { return Forward("RemindersOf", &UnitOfWork::RemindersOf, b); }
    std::int64_t Enqueue(const std::string& p, const std::string& c, const std::string& b, TimePoint now) override { return Forward("Enqueue", &UnitOfWork::Enqueue, p, c, b, now); }
    std::vector<core::OutboxMessage> ClaimOutbox(const std::string& w, const std::string& p, TimePoint now, Millis lease, std::int64_t l) override { return Forward("ClaimOutbox", &UnitOfWork::ClaimOutbox, w, p, now, lease, l); }
    std::optional<core::OutboxMessage> ClaimChatOutbox(const std::string& w, const std::string& p, const std::string& c, TimePoint now, Millis lease) override { return Forward("ClaimChatOutbox", &UnitOfWork::ClaimChatOutbox, w, p, c, now, lease); }
    bool MarkSent(std::int64_t id, const std::string& w, TimePoint now) override { return Forward("MarkSent", &UnitOfWork::MarkSent, id, w, now); }
    std::vector<std::int64_t> MarkSentMany(const std::vector<std::int64_t>& ids, const std::string& w, TimePoint now) override { return Forward("MarkSentMany", &UnitOfWork::MarkSentMany, ids, w, now); }
    bool MarkRetry(std::int64_t id, const std::string& w, TimePoint next, const std::string& e) override { return Forward("MarkRetry", &UnitOfWork::MarkRetry, id, w, next, e); }
    bool MarkDead(std::int64_t id, const std::string& w, const std::string& e) override { return Forward("MarkDead", &UnitOfWork::MarkDead, id, w, e); }
    std::vector<core::OutboxMessage> ListOutbox(core::OutboxStatus s, std::int64_t l) override { return Forward("ListOutbox", &UnitOfWork::ListOutbox, s, l); }
    std::int64_t CountOutbox(core::OutboxStatus s) override { return Forward("CountOutbox", &UnitOfWork::CountOutbox, s); }
    std::int64_t SetPlatformMessageIds(const std::vector<std::pair<std::int64_t, std::string>>& ids) override { return Forward("SetPlatformMessageIds", &UnitOfWork::SetPlatformMessageIds, ids); }
    core::DeliveryUpdate RecordDelivery(const std::string& p, const core::DeliveryReport& r) override { return Forward("RecordDelivery", &UnitOfWork::RecordDelivery, p, r); }
    bool HoldDelivery(const std::string& p, const core::DeliveryReport& r, TimePoint now, std::int64_t c) override { return Forward("HoldDelivery", &UnitOfWork::HoldDelivery, p, r, now, c); }
    core::HeldDeliveries ReconcileHeldDeliveries(TimePoint e) override { return Forward("ReconcileHeldDeliveries", &UnitOfWork::ReconcileHeldDeliveries, e); }
    std::vector<core::OutboxMessage> ListFailedDeliveries(std::int64_t l) override { return Forward("ListFailedDeliveries", &UnitOfWork::ListFailedDeliveries, l); }
    std::int64_t CountFailedDeliveries() override { return Forward("CountFailedDeliveries", &UnitOfWork::CountFailedDeliveries); }
    std::optional<std::string> GetTransportState(const std::string& n) override { return Forward("GetTransportState", &UnitOfWork::GetTransportState, n); }
    std::map<std::string, std::string> GetTransportStates(const std::vector<std::string>& n) override { return Forward("GetTransportStates", &UnitOfWork::GetTransportStates, n); }
    void PutTransportState(const std::string& n, const std::string& v, TimePoint now) override { Forward("PutTransportState", &UnitOfWork::PutTransportState, n, v, now); }
    std::optional<core::HumanFlag> FindFlag(std::int64_t id) override { return Forward("FindFlag", &UnitOfWork::FindFlag, id); }
    bool RequeueDead(std::int64_t id, TimePoint now) override { return Forward("RequeueDead", &UnitOfWork::RequeueDead, id, now); }
    std::vector<Row> ExportRows(const std::string& t, const std::optional<Row>& a, std::int64_t l) override { return Forward("ExportRows", &UnitOfWork::ExportRows, t, a, l); }
    std::int64_t ImportRows(const std::string& t, const std::vector<Row>& r) override { return Forward("ImportRows", &UnitOfWork::ImportRows, t, r); }
    std::int64_t CountRows(const std::string& t) override { return Forward("CountRows", &UnitOfWork::CountRows, t); }
    // clang-format on
};

// Where a fault strikes. Statements and units are counted from 0 since the
// fault was armed, over every unit run through the store (retries included).
enum class FaultPoint {
    kStatement,     // the index-th UnitOfWork call throws instead of running;
                    // the unit then rolls back
    kBeforeCommit,  // the index-th unit's work ran, then the commit fails:
                    // rolled back, the caller gets the error
    kAfterCommit,   // the index-th unit commits, then the caller gets the
                    // error anyway (the reply to COMMIT was lost)
    kConnect,       // the index-th unit cannot get a connection: nothing ran
};

struct Fault {
    FaultPoint point = FaultPoint::kStatement;
    int index = 0;
    core::StorageError::Kind kind = core::StorageError::Kind::kUnavailable;
};

std::string Describe(const Fault& fault);

// Wraps `target` (which must outlive it). Unarmed, it only counts; armed, it
// injects ONE fault, then behaves like the target again. Thread-safe.
class FaultInjectingStore final : public core::StoreWrapper {
public:
    explicit FaultInjectingStore(core::Store& target) : StoreWrapper(target), target_(target) {}

    // Arms `fault` (replacing any armed one) and restarts the counts.
    void Arm(const Fault& fault);
    // Restarts the counts and injects nothing.
    void Disarm();
    // Whether the armed fault struck.
    bool Fired() const;
    // UnitOfWork calls and units (Run calls) since the last Arm/Disarm.
    int Statements() const;
    int Units() const;

    void Run(Access access, const std::function<void(core::UnitOfWork&)>& work) override;

private:
    class Unit;

    // Counts one statement; throws if the armed fault is this statement.
    void Statement(std::string_view method);
    // Whether the armed fault is (point, index); if so it is spent.
    bool Strikes(FaultPoint point, int index);
    [[noreturn]] void Throw(std::string_view what) const;

    core::Store& target_;
    mutable std::mutex mutex_;
    std::optional<Fault> armed_;
    bool fired_ = false;
    int statements_ = 0;
    int units_ = 0;
};

}  // namespace bookbot::testing
