// The engine and the session sweeper meet a storage failure at every point a
// run can meet one (each statement, each connect, each commit before and
// after it happened), on every backend. Whatever the failure, once the
// platform has delivered the update again (as it does after our 503) the
// database holds exactly what one clean run leaves: nothing lost, nothing
// done twice, nothing half-done (a session that moved without its outbox row,
// a booking without its session step).

#include "bookbot/core/engine.hpp"
#include "fault_helpers.hpp"
#include "fixed_clock.hpp"

namespace bookbot::testing {
namespace {

// Monday 2026-03-02, 08:00 in Berlin: the demo shop has free times ahead.
const core::TimePoint kStart = core::FromEpochMillis(1772434800000);

core::Inbound Update(int n, core::Inbound::Kind kind, std::string payload) {
    core::Inbound in;
    in.platform = "telegram";
    in.external_id = "update-" + std::to_string(n);
    in.user_id = "42";
    in.chat_id = "42";
    in.kind = kind;
    in.payload = std::move(payload);
    in.at = kStart;
    in.origin_message_id = "7";
    return in;
}

// Hands `in` to the engine as a platform does: on a failure (the transport
// answers 503) it delivers the same update again.
void Deliver(core::Engine& engine, const core::Inbound& in) {
    for (int attempt = 1;; ++attempt) {
        try {
            engine.Handle(in);
            return;
        } catch (const core::StorageError&) {
            if (attempt == 3) throw;
        }
    }
}

// One engine on an empty database, seen through a fault-injecting store.
struct EngineRig {
    ReusableStore fixture;
    FaultInjectingStore store{*fixture.store};
    core::Business shop = core::DemoBusiness();
    FixedClock clock{kStart};
    core::Engine engine{store, shop, clock};
};

// A customer books: /start, then the first button of each answer (Book, the
// first service, day and time, Yes), then one update delivered twice. Returns
// the updates, for other runs to replay exactly.
std::vector<core::Inbound> BookingScript(core::Engine& engine) {
    std::vector<core::Inbound> script;
    core::Inbound next = Update(0, core::Inbound::Kind::kText, "/start");
    for (int n = 1; n <= 6; ++n) {
        script.push_back(next);
        const core::HandleResult result = engine.Handle(next);
        if (n == 6) break;
        REQUIRE_FALSE(result.replies.empty());
        REQUIRE_FALSE(result.replies.front().keyboard.empty());
        next = Update(n, core::Inbound::Kind::kButton,
                      result.replies.front().keyboard.front().front().payload);
    }
    script.push_back(script[2]);  // a replay: no second effect
    return script;
}

TEST_CASE("engine: at every failure point an update ends as in one clean run", "[faults][engine]") {
    EngineRig clean;
    clean.store.Disarm();
    const std::vector<core::Inbound> script = BookingScript(clean.engine);
    const int statements = clean.store.Statements();
    const int units = clean.store.Units();
    const TableDump want = NormalizedDump(*clean.fixture.store);
    REQUIRE(want.at("bookings").size() == 1);  // the script really books
    REQUIRE(want.at("inbound_updates").size() == 6);

    EngineRig rig;
    for (const Fault& fault : EveryFault(statements, units)) {
        CAPTURE(Describe(fault));
        rig.fixture.Empty();
        rig.store.Arm(fault);
        for (const core::Inbound& in : script) Deliver(rig.engine, in);
        REQUIRE(rig.store.Fired());
        const TableDump got = NormalizedDump(*rig.fixture.store);
        INFO(FirstDifference(want, got));
        REQUIRE(got == want);
    }
}

// Seven sessions, four of them expired at kStart + 1 h.
void SaveSessions(core::Store& store) {
    store.Write([](core::UnitOfWork& unit) {
        for (int i = 0; i < 7; ++i) {
            core::Session s;
            s.key = {"telegram", "user" + std::to_string(i)};
            s.chat_id = s.key.user_id;
            s.context = {{"step", "menu"}};
            const core::Millis ttl = i % 2 == 0 ? core::Millis(60'000) : core::Millis(86'400'000);
            (void)unit.SaveSession(s, kStart, ttl);
        }
    });
}

std::int64_t Sweep(core::Store& store) {
    for (int attempt = 1;; ++attempt) {
        try {
            return core::SweepExpiredSessions(store, kStart + std::chrono::hours(1), 2);
        } catch (const core::StorageError&) {
            if (attempt == 3) throw;
        }
    }
}

TEST_CASE("sweeper: at every failure point a sweep run again removes exactly the expired",
          "[faults][sweeper]") {
    StoreFixture clean;
    SaveSessions(*clean.store);
    FaultInjectingStore counting(*clean.store);
    REQUIRE(Sweep(counting) == 4);
    const int statements = counting.Statements();
    const int units = counting.Units();
    const TableDump want = NormalizedDump(*clean.store);
    REQUIRE(want.at("conversation_sessions").size() == 3);

    ReusableStore fixture;
    FaultInjectingStore store(*fixture.store);
    for (const Fault& fault : EveryFault(statements, units)) {
        CAPTURE(Describe(fault));
        fixture.Empty();
        SaveSessions(*fixture.store);
        store.Arm(fault);
        Sweep(store);
        REQUIRE(store.Fired());
        const TableDump got = NormalizedDump(*fixture.store);
        INFO(FirstDifference(want, got));
        REQUIRE(got == want);
    }
}

}  // namespace
}  // namespace bookbot::testing
