// Readiness from write outcomes (core::WriteHealth) over a real store, per
// backend: what /readyz answers.

#include "bookbot/core/write_health.hpp"

#include "fixture.hpp"

namespace bookbot::testing {
namespace {

using core::StorageError;

class FixedClock final : public core::Clock {
public:
    core::TimePoint Now() const override { return kT0; }
};

void FailingWrite(core::Store& store, StorageError::Kind kind) {
    try {
        store.Write([&](core::UnitOfWork&) { throw StorageError(kind, "injected"); });
    } catch (const StorageError&) {
    }
}

TEST_CASE("not ready after consecutive write failures, ready after a commit", "[write_health]") {
    StoreFixture f;
    core::WriteHealth health(3);
    core::HealthReportingStore store(std::move(f.store), health);
    FixedClock clock;

    FailingWrite(store, StorageError::Kind::kUnavailable);
    FailingWrite(store, StorageError::Kind::kUnavailable);
    CHECK(health.Ready());
    // A conflict or a bad request says nothing about the database.
    FailingWrite(store, StorageError::Kind::kConflict);
    FailingWrite(store, StorageError::Kind::kInvalid);
    CHECK(health.Ready());
    FailingWrite(store, StorageError::Kind::kUnavailable);
    CHECK_FALSE(health.Ready());
    CHECK(health.ConsecutiveFailures() == 3);
    // Reads do not count either way.
    store.Read([](core::UnitOfWork& u) { u.CountOutbox(core::OutboxStatus::kPending); });
    CHECK_FALSE(health.Ready());

    SECTION("a write that commits") {
        store.Write([](core::UnitOfWork& u) { u.PutTransportState("t", "1", kT0); });
        CHECK(health.Ready());
    }
    SECTION("a probe that commits") {
        CHECK(health.ReadyOrProbe(store, clock));
        CHECK(health.ConsecutiveFailures() == 0);
    }
}

}  // namespace
}  // namespace bookbot::testing
