// The outbox dispatcher and `bookbot copy` meet a storage failure at every
// point a run can meet one, on every backend. The dispatcher, run on, still
// delivers every message, in order per chat, each at most once more than asked
// (a batch whose MarkSentMany failed is repeated after the lease: at-least-once),
// and leaves no claim behind. The copy, resumed as `bookbot copy --resume`
// does, still ends with both stores holding the same rows.

#include <algorithm>
#include <map>
#include <mutex>

#include "bookbot/core/outbox_dispatcher.hpp"
#include "fault_helpers.hpp"
#include "fixed_clock.hpp"
#include "store_copy.hpp"

namespace bookbot::testing {
namespace {

// Records every message it was handed and says "sent". Thread-safe: the
// dispatcher sends a batch's messages in parallel.
class RecordingSender final : public core::OutboxSender {
public:
    core::SendOutcome Send(const core::OutboxMessage& message) override {
        const std::lock_guard lock(mutex_);
        sends_[message.chat_id].push_back(message.body);
        return core::SendOutcome::Sent();
    }
    std::map<std::string, std::vector<std::string>> sends() const {
        const std::lock_guard lock(mutex_);
        return sends_;
    }

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::vector<std::string>> sends_;
};

const std::map<std::string, std::vector<std::string>> kQueued = {
    {"A", {"a1", "a2", "a3"}}, {"B", {"b1", "b2"}}, {"C", {"c1"}}};

void QueueMessages(core::Store& store) {
    store.Write([](core::UnitOfWork& unit) {
        for (const auto& [chat, bodies] : kQueued) {
            for (const auto& body : bodies) unit.Enqueue("telegram", chat, body, kT0);
        }
    });
}

// Runs dispatcher rounds until nothing is pending, letting leases run out in
// between; a round that fails is simply followed by the next one, as the
// serve loop does. Returns what was sent, per chat.
std::map<std::string, std::vector<std::string>> DrainOutbox(core::Store& store,
                                                            core::Store& observer) {
    FixedClock clock(kT0);
    RecordingSender sender;
    core::DispatcherOptions options;
    options.platform = "telegram";
    options.worker = "w1";
    options.lease = core::Millis(10'000);
    options.batch = 4;
    options.chat_rate = 0;
    options.global_rate = 0;
    core::OutboxDispatcher dispatcher(store, sender, clock, options, nullptr, [](core::Millis) {});
    for (int round = 0; round < 40; ++round) {
        try {
            dispatcher.RunOnce();
        } catch (const core::StorageError&) {
            // Claimed rows come back after their lease.
        }
        const auto pending = observer.Read(
            [](core::UnitOfWork& u) { return u.CountOutbox(core::OutboxStatus::kPending); });
        if (pending == 0) break;
        clock.Advance(core::Millis(11'000));
    }
    return sender.sends();
}

// Outbox rows that still name a worker holding them.
int Claimed(core::Store& store) {
    for (const core::TableSpec& table : store.DataTables()) {
        if (table.name != "outbox") continue;
        std::size_t column = 0;
        while (table.columns.at(column).name != "claimed_by") ++column;
        int claimed = 0;
        for (const core::Row& row : ExportAll(store, table)) {
            if (!std::holds_alternative<std::monostate>(row.at(column))) ++claimed;
        }
        return claimed;
    }
    FAIL("no outbox table");
    return 0;
}

// `sends` with repeats of the same message next to each other collapsed.
std::vector<std::string> Collapsed(const std::vector<std::string>& sends) {
    std::vector<std::string> out;
    for (const auto& s : sends) {
        if (out.empty() || out.back() != s) out.push_back(s);
    }
    return out;
}

TEST_CASE("dispatcher: at every failure point every message still goes out, in order",
          "[faults][dispatcher]") {
    StoreFixture clean;
    QueueMessages(*clean.store);
    FaultInjectingStore counting(*clean.store);
    REQUIRE(DrainOutbox(counting, *clean.store) == kQueued);
    const int statements = counting.Statements();
    const int units = counting.Units();

    ReusableStore fixture;
    FaultInjectingStore store(*fixture.store);
    for (const Fault& fault : EveryFault(statements, units)) {
        CAPTURE(Describe(fault));
        fixture.Empty();
        QueueMessages(*fixture.store);
        store.Arm(fault);
        const auto sends = DrainOutbox(store, *fixture.store);
        REQUIRE(store.Fired());
        for (const auto& [chat, bodies] : sends) {
            CAPTURE(chat);
            CHECK(Collapsed(bodies) == kQueued.at(chat));
            // One fault: the batch it hit is sent again at most once (the
            // dispatcher records a batch's outcomes in one unit).
            for (const std::string& body : kQueued.at(chat)) {
                CHECK(std::count(bodies.begin(), bodies.end(), body) <= 2);
            }
        }
        CHECK(sends.size() == kQueued.size());
        fixture.store->Read([](core::UnitOfWork& u) {
            CHECK(u.CountOutbox(core::OutboxStatus::kSent) == 6);
            CHECK(u.CountOutbox(core::OutboxStatus::kDead) == 0);
        });
        CHECK(Claimed(*fixture.store) == 0);  // no claim left behind
    }
}

class QuietObserver final : public app::CopyObserver {
public:
    void TableStarted(const core::TableSpec&, std::int64_t) override {}
    void BatchCommitted(const core::TableSpec&, std::int64_t, std::int64_t) override {}
    void TableDone(const core::TableSpec&, bool) override {}
};

// A little of everything: sessions, history, bookings with cells, dedupe
// records, outbox rows, transport state.
void FillSource(core::Store& store) {
    store.Write([](core::UnitOfWork& unit) {
        for (int i = 0; i < 3; ++i) {
            const core::SessionKey key{"telegram", "u" + std::to_string(i)};
            core::Session s;
            s.key = key;
            s.chat_id = key.user_id;
            s.context = {{"step", "menu"}, {"note", "Zoë №" + std::to_string(i)}};
            (void)unit.SaveSession(s, kT0, core::Millis(86'400'000));
            unit.AppendMessage(key, core::Direction::kIn, "hi " + std::to_string(i), kT0);
            unit.RecordInbound("telegram", "upd" + std::to_string(i), kT0);
            unit.Enqueue("telegram", key.user_id, "hello " + std::to_string(i), kT0);
            core::Booking b;
            b.customer = key;
            b.chat_id = key.user_id;
            b.service_id = "cut";
            b.resource = 0;
            b.starts_at = kT0 + std::chrono::hours(1 + i);
            b.ends_at = b.starts_at + std::chrono::minutes(30);
            REQUIRE(unit.InsertBooking(b, {b.starts_at}, kT0));
        }
        unit.PutTransportState("telegram.offset", "17", kT0);
    });
}

// CopyTables, resumed after a failure as `bookbot copy --resume` is.
void CopyResuming(core::Store& source, core::Store& target) {
    QuietObserver observer;
    app::CopyOptions options;
    options.batch = 2;
    for (int attempt = 1;; ++attempt) {
        try {
            app::CopyTables(source, target, options, observer);
            return;
        } catch (const core::StorageError&) {
            if (attempt == 3) throw;
            options.skip_complete = true;
        }
    }
}

TEST_CASE("copy: at every failure point a resumed copy ends with the same rows", "[faults][copy]") {
    const bool fault_source = GENERATE(false, true);
    CAPTURE(fault_source);
    StoreFixture clean_source;
    FillSource(*clean_source.store);
    auto clean_target_db = TestDatabase::Create();
    auto clean_target = StoreFixture::OpenAndMigrate(clean_target_db->Url());
    FaultInjectingStore counting(fault_source ? *clean_source.store : *clean_target);
    if (fault_source) {
        CopyResuming(counting, *clean_target);
    } else {
        CopyResuming(*clean_source.store, counting);
    }
    const int statements = counting.Statements();
    const int units = counting.Units();

    ReusableStore source;
    FillSource(*source.store);
    ReusableStore target;
    FaultInjectingStore faulty(fault_source ? *source.store : *target.store);
    for (const Fault& fault : EveryFault(statements, units)) {
        CAPTURE(Describe(fault));
        target.Empty();
        faulty.Arm(fault);
        if (fault_source) {
            CopyResuming(faulty, *target.store);
        } else {
            CopyResuming(*source.store, faulty);
        }
        REQUIRE(faulty.Fired());
        for (const app::TableCheck& check : app::VerifyTables(*source.store, *target.store, 100)) {
            CAPTURE(check.table, check.source.rows, check.target.rows);
            CHECK(check.Matches());
        }
    }
}

}  // namespace
}  // namespace bookbot::testing
