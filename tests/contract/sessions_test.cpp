#include <atomic>

#include "fixture.hpp"

namespace bookbot::testing {
namespace {

using core::Session;
using core::SessionKey;
using core::UnitOfWork;

const SessionKey kAlice{"telegram", "9223372036854775807"};  // ids need all 64 bits

Session NewSession(const SessionKey& key) {
    Session s;
    s.key = key;
    s.chat_id = key.user_id;
    s.context = {{"step", "menu"}};
    return s;
}

core::SessionLookup Load(core::Store& store, const SessionKey& key, core::TimePoint now) {
    core::SessionLookup found;
    store.Read([&](UnitOfWork& u) { found = u.LoadSession(key, now); });
    return found;
}

std::int64_t Save(core::Store& store, const Session& s, core::TimePoint now,
                  core::Millis ttl = 30min) {
    std::int64_t version = 0;
    store.Write([&](UnitOfWork& u) { version = u.SaveSession(s, now, ttl); });
    return version;
}

TEST_CASE_METHOD(StoreFixture, "a saved session reads back exactly", "[sessions]") {
    Session s = NewSession(kAlice);
    s.context = {
        {"step", "pick_time"}, {"service", "Haircut ✂️ «deluxe»"}, {"note", "a\"b\\c\n"}};
    s.step_history = {{{"step", "menu"}}, {{"step", "pick_service"}, {"page", "2"}}};

    CHECK(Load(*store, kAlice, kT0).session == std::nullopt);
    CHECK_FALSE(Load(*store, kAlice, kT0).expired);
    REQUIRE(Save(*store, s, kT0) == 1);

    const core::SessionLookup found = Load(*store, kAlice, kT0 + 1s);
    REQUIRE(found.session);
    CHECK(found.session->context == s.context);
    CHECK(found.session->step_history == s.step_history);
    CHECK(found.session->key == kAlice);
    CHECK(found.session->chat_id == s.chat_id);
    CHECK(found.session->version == 1);
    CHECK(found.session->created_at == kT0);
    CHECK(found.session->last_activity_at == kT0);
    CHECK(found.session->expires_at == kT0 + 30min);
}

TEST_CASE_METHOD(StoreFixture, "saving with a stale version is a conflict", "[sessions][cas]") {
    REQUIRE(Save(*store, NewSession(kAlice), kT0) == 1);
    Session first = *Load(*store, kAlice, kT0).session;
    Session second = first;

    first.context["step"] = "first";
    REQUIRE(Save(*store, first, kT0 + 1s) == 2);
    second.context["step"] = "second";
    REQUIRE_STORAGE_ERROR(Save(*store, second, kT0 + 2s), kConflict);
    // The loser changed nothing.
    CHECK(Load(*store, kAlice, kT0 + 3s).session->context.at("step") == "first");

    SECTION("creating a session that already exists is a conflict too") {
        REQUIRE_STORAGE_ERROR(Save(*store, NewSession(kAlice), kT0 + 4s), kConflict);
    }
}

TEST_CASE_METHOD(StoreFixture, "two writers never lose an update", "[sessions][cas]") {
    REQUIRE(Save(*store, NewSession(kAlice), kT0) == 1);
    auto other = OpenAnother();
    constexpr int kPerThread = 40;
    std::atomic<int> conflicts{0};
    std::atomic<bool> other_error{false};  // Catch2 assertions are not thread-safe
    auto increment = [&](core::Store& s) {
        for (int i = 0; i < kPerThread;) {
            // Read and write in separate units, so the other writer can slip in between.
            Session current = *Load(s, kAlice, kT0).session;
            const std::string count = current.context["count"];
            current.context["count"] = std::to_string((count.empty() ? 0 : std::stoi(count)) + 1);
            try {
                Save(s, current, kT0);
                ++i;
            } catch (const core::StorageError& e) {
                if (e.kind() != core::StorageError::Kind::kConflict) {
                    other_error = true;
                    return;
                }
                ++conflicts;
            }
        }
    };
    RunConcurrently([&] { increment(*store); }, [&] { increment(*other); });
    REQUIRE_FALSE(other_error);
    const Session final_session = *Load(*store, kAlice, kT0).session;
    CHECK(final_session.context.at("count") == std::to_string(2 * kPerThread));
    CHECK(final_session.version == 1 + 2 * kPerThread);
    WARN("conflicts retried: " << conflicts.load());
}

TEST_CASE_METHOD(StoreFixture, "expiry is exact and slides with every write", "[sessions][ttl]") {
    REQUIRE(Save(*store, NewSession(kAlice), kT0, 30min) == 1);
    CHECK(Load(*store, kAlice, kT0 + 30min - 1ms).session);
    const core::SessionLookup at_boundary = Load(*store, kAlice, kT0 + 30min);
    CHECK_FALSE(at_boundary.session);
    CHECK(at_boundary.expired);

    SECTION("a write before expiry moves it") {
        Session s = *Load(*store, kAlice, kT0 + 20min).session;
        REQUIRE(Save(*store, s, kT0 + 20min, 30min) == 2);
        CHECK(Load(*store, kAlice, kT0 + 50min - 1ms).session);
        CHECK_FALSE(Load(*store, kAlice, kT0 + 50min).session);
    }
    SECTION("a stale write after expiry is refused") {
        Session s = *Load(*store, kAlice, kT0).session;
        REQUIRE_STORAGE_ERROR(Save(*store, s, kT0 + 30min), kConflict);
    }
    SECTION("an expired session is replaced by a new one, never reusing its version") {
        Session fresh = NewSession(kAlice);
        fresh.context = {{"step", "start-over"}};
        CHECK(Save(*store, fresh, kT0 + 31min) == 2);
        const Session loaded = *Load(*store, kAlice, kT0 + 32min).session;
        CHECK(loaded.context == fresh.context);
        CHECK(loaded.created_at == kT0 + 31min);
    }
}

TEST_CASE_METHOD(StoreFixture, "the sweep deletes expired sessions in batches", "[sessions][ttl]") {
    for (int i = 0; i < 7; ++i) {
        REQUIRE(Save(*store, NewSession({"telegram", "old" + std::to_string(i)}), kT0, 10min) == 1);
    }
    REQUIRE(Save(*store, NewSession({"telegram", "live"}), kT0, 60min) == 1);
    REQUIRE(Save(*store, NewSession({"whatsapp", "edge"}), kT0, 20min) == 1);

    CHECK(core::SweepExpiredSessions(*store, kT0 + 20min - 1ms, 3) == 7);
    CHECK(core::SweepExpiredSessions(*store, kT0 + 20min - 1ms, 3) == 0);
    CHECK(Load(*store, {"telegram", "live"}, kT0 + 20min - 1ms).session);
    CHECK(Load(*store, {"whatsapp", "edge"}, kT0 + 20min - 1ms).session);
    // Swept rows are gone, not merely expired.
    CHECK_FALSE(Load(*store, {"telegram", "old0"}, kT0).expired);
    CHECK(core::SweepExpiredSessions(*store, kT0 + 20min, 3) == 1);
}

TEST_CASE_METHOD(StoreFixture, "a unit that throws leaves nothing behind", "[units]") {
    struct Abort {};
    CHECK_THROWS_AS(store->Write([&](UnitOfWork& u) {
        u.RecordInbound("telegram", "1", kT0);
        u.SaveSession(NewSession(kAlice), kT0, 30min);
        u.Enqueue("telegram", "1", "hello", kT0);
        throw Abort{};
    }),
                    Abort);
    CHECK_FALSE(Load(*store, kAlice, kT0).session);
    store->Write([&](UnitOfWork& u) {
        CHECK(u.RecordInbound("telegram", "1", kT0));
        CHECK(u.CountOutbox(core::OutboxStatus::kPending) == 0);
    });
}

TEST_CASE_METHOD(StoreFixture, "a replayed update is detected", "[dedupe]") {
    store->Write([&](UnitOfWork& u) {
        CHECK(u.RecordInbound("telegram", "100", kT0));
        CHECK_FALSE(u.RecordInbound("telegram", "100", kT0));  // within the same unit
        CHECK(u.RecordInbound("whatsapp", "100", kT0));        // ids are per platform
    });
    store->Write([&](UnitOfWork& u) { CHECK_FALSE(u.RecordInbound("telegram", "100", kT0)); });

    SECTION("by exactly one of two racing units") {
        auto other = OpenAnother();
        std::atomic<int> firsts{0};
        auto record = [&](core::Store& s) {
            core::RunWithRetry(s, [&](UnitOfWork& u) {
                if (u.RecordInbound("telegram", "race", kT0)) ++firsts;
            });
        };
        RunConcurrently([&] { record(*store); }, [&] { record(*other); });
        CHECK(firsts.load() == 1);
    }
    SECTION("and old records can be forgotten") {
        store->Write([&](UnitOfWork& u) {
            u.RecordInbound("telegram", "later", kT0 + 1h);
            CHECK(u.DeleteInboundBefore(kT0 + 1h, 100) == 2);
            CHECK(u.RecordInbound("telegram", "100", kT0 + 2h));
            CHECK_FALSE(u.RecordInbound("telegram", "later", kT0 + 2h));
        });
    }
}

TEST_CASE_METHOD(StoreFixture, "history keeps the newest messages in order", "[history]") {
    store->Write([&](UnitOfWork& u) {
        for (int i = 0; i < 5; ++i) {
            u.AppendMessage(kAlice, i % 2 ? core::Direction::kOut : core::Direction::kIn,
                            "message " + std::to_string(i) + " — ünïcödé",
                            kT0 + std::chrono::seconds(i));
        }
        u.AppendMessage({"telegram", "bob"}, core::Direction::kIn, "other chat", kT0);
    });
    store->Read([&](UnitOfWork& u) {
        const auto recent = u.RecentMessages(kAlice, 3);
        REQUIRE(recent.size() == 3);
        CHECK(recent[0].text == "message 2 — ünïcödé");
        CHECK(recent[0].direction == core::Direction::kIn);
        CHECK(recent[1].direction == core::Direction::kOut);
        CHECK(recent[2].text == "message 4 — ünïcödé");
        CHECK(recent[2].at == kT0 + 4s);
        CHECK(recent[0].id < recent[1].id);
    });
}

TEST_CASE_METHOD(StoreFixture, "a conversation is flagged for a person once", "[flags]") {
    std::int64_t id = 0;
    store->Write([&](UnitOfWork& u) {
        id = u.FlagForHuman(kAlice, "chat", "asked for a person", kT0);
        CHECK(u.FlagForHuman(kAlice, "chat", "again", kT0 + 1s) == id);
    });
    store->Write([&](UnitOfWork& u) {
        const auto open = u.OpenFlag(kAlice);
        REQUIRE(open);
        CHECK(open->id == id);
        CHECK(open->reason == "asked for a person");
        CHECK(u.ListOpenFlags(10).size() == 1);
        CHECK(u.ResolveFlag(id, kT0 + 1min));
        CHECK_FALSE(u.ResolveFlag(id, kT0 + 2min));
        CHECK_FALSE(u.OpenFlag(kAlice));
        CHECK(u.ListOpenFlags(10).empty());
        CHECK(u.FlagForHuman(kAlice, "chat", "later", kT0 + 3min) != id);
    });
}

TEST_CASE_METHOD(StoreFixture, "transport state is a small durable map", "[transport]") {
    store->Write([&](UnitOfWork& u) {
        CHECK_FALSE(u.GetTransportState("telegram.offset"));
        u.PutTransportState("telegram.offset", "41", kT0);
        u.PutTransportState("telegram.offset", "42", kT0 + 1s);
    });
    store->Read([&](UnitOfWork& u) { CHECK(u.GetTransportState("telegram.offset") == "42"); });
}

TEST_CASE_METHOD(StoreFixture, "many transport states are read at once", "[transport]") {
    std::vector<std::string> names;
    store->Write([&](UnitOfWork& u) {
        // More names than one statement takes, some stored, some repeated.
        for (int i = 0; i < 1200; ++i) {
            names.push_back("k" + std::to_string(i));
            if (i % 3 == 0) u.PutTransportState(names.back(), std::to_string(i), kT0);
        }
    });
    names.push_back("k3");
    const auto values = store->Read([&](UnitOfWork& u) { return u.GetTransportStates(names); });
    CHECK(values.size() == 400);
    CHECK(values.at("k0") == "0");
    CHECK(values.at("k1197") == "1197");
    CHECK(values.count("k1") == 0);
    CHECK(store->Read([](UnitOfWork& u) { return u.GetTransportStates({}); }).empty());
}

}  // namespace
}  // namespace bookbot::testing
