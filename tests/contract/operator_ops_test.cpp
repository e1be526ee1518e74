// The store operations the admin commands add: FindFlag and RequeueDead.

#include "fixture.hpp"

namespace bookbot::testing {
namespace {

using core::OutboxStatus;
using core::UnitOfWork;

TEST_CASE_METHOD(StoreFixture, "a flag is found by id, open or resolved", "[flags]") {
    const core::SessionKey key{"telegram", "7"};
    std::int64_t id = 0;
    store->Write([&](UnitOfWork& u) { id = u.FlagForHuman(key, "chat-7", "asked", kT0); });
    store->Read([&](UnitOfWork& u) {
        const auto flag = u.FindFlag(id);
        REQUIRE(flag);
        CHECK(*flag == core::HumanFlag{id, key, "chat-7", "asked", kT0, std::nullopt});
        CHECK_FALSE(u.FindFlag(id + 1));
    });
    store->Write([&](UnitOfWork& u) { CHECK(u.ResolveFlag(id, kT0 + 1min)); });
    store->Read([&](UnitOfWork& u) {
        const auto flag = u.FindFlag(id);
        REQUIRE(flag);
        CHECK(flag->resolved_at == kT0 + 1min);
    });
}

TEST_CASE_METHOD(StoreFixture, "a dead message is requeued once, with its attempts reset",
                 "[outbox]") {
    std::int64_t dead = 0, pending = 0;
    store->Write([&](UnitOfWork& u) {
        dead = u.Enqueue("telegram", "A", "a1", kT0);
        pending = u.Enqueue("telegram", "B", "b1", kT0);
    });
    for (int attempt = 0; attempt < 3; ++attempt) {
        store->Write([&](UnitOfWork& u) {
            const auto claimed = u.ClaimOutbox("w", "telegram", kT0 + 1h, 30s, 1);
            REQUIRE(claimed.size() == 1);
            REQUIRE(claimed[0].id == dead);
            if (attempt < 2) {
                u.MarkRetry(dead, "w", kT0, "HTTP 500");
            } else {
                u.MarkDead(dead, "w", "HTTP 400");
            }
        });
    }
    store->Write([&](UnitOfWork& u) {
        CHECK_FALSE(u.RequeueDead(pending, kT0 + 2h));         // not dead
        CHECK_FALSE(u.RequeueDead(dead + pending, kT0 + 2h));  // no such message
        CHECK(u.RequeueDead(dead, kT0 + 2h));
        CHECK_FALSE(u.RequeueDead(dead, kT0 + 2h));  // pending now
    });
    store->Read([&](UnitOfWork& u) {
        CHECK(u.CountOutbox(OutboxStatus::kDead) == 0);
        const auto again = u.ListOutbox(OutboxStatus::kPending, 10);
        REQUIRE(again.size() == 2);
        CHECK(again[0].id == dead);
        CHECK(again[0].attempts == 0);
        CHECK(again[0].next_attempt_at == kT0 + 2h);
        CHECK(again[0].last_error == "HTTP 400");
    });
    // Due at once, and claimable again (not before it is due).
    store->Write([&](UnitOfWork& u) {
        CHECK(u.ClaimOutbox("w2", "telegram", kT0 + 2h - 1ms, 30s, 10).size() == 1);  // b1 only
        const auto claimed = u.ClaimOutbox("w2", "telegram", kT0 + 2h, 30s, 10);
        REQUIRE(claimed.size() == 1);
        CHECK(claimed[0].id == dead);
        CHECK(claimed[0].attempts == 1);
    });
}

}  // namespace
}  // namespace bookbot::testing
