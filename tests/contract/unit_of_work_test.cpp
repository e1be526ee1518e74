// What a unit of work promises whatever its driver batches or defers: it
// sees its own writes, commits or loses them all together, a booking's
// savepoints undo a lost try and nothing else, and a connection the server
// dropped while idle is replaced before anything of the next unit ran.

#include "fixture.hpp"

namespace bookbot::testing {
namespace {

using core::Direction;
using core::OutboxStatus;
using core::SessionKey;
using core::UnitOfWork;

const SessionKey kCustomer{"telegram", "u1"};

TEST_CASE_METHOD(StoreFixture, "a unit reads its own writes, and commits them", "[unit_of_work]") {
    std::int64_t pending_inside = -1;
    std::size_t history_inside = 0;
    store->Write([&](UnitOfWork& u) {
        u.AppendMessage(kCustomer, Direction::kIn, "hello", kT0);
        u.Enqueue("telegram", "c1", "first", kT0);
        u.AppendMessage(kCustomer, Direction::kOut, "first", kT0);
        u.Enqueue("telegram", "c1", "second", kT0);
        pending_inside = u.CountOutbox(OutboxStatus::kPending);
        history_inside = u.RecentMessages(kCustomer, 10).size();
        u.AppendMessage(kCustomer, Direction::kOut, "second", kT0);
    });
    CHECK(pending_inside == 2);
    CHECK(history_inside == 2);
    std::vector<std::string> history;
    store->Read([&](UnitOfWork& u) {
        for (const auto& m : u.RecentMessages(kCustomer, 10)) history.push_back(m.text);
    });
    CHECK(history == std::vector<std::string>{"hello", "first", "second"});
    const auto pending =
        store->Read([](UnitOfWork& u) { return u.ListOutbox(OutboxStatus::kPending, 10); });
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].body == "first");
    CHECK(pending[1].body == "second");
}

TEST_CASE_METHOD(StoreFixture, "a unit's many appends land whole and in order", "[unit_of_work]") {
    // More rows of each table than one statement writes (appending_connection.cpp),
    // with reads between them, which see every row appended before.
    constexpr int kMessages = 40;
    std::vector<std::string> history_then;
    std::int64_t pending_then = -1;
    store->Write([&](UnitOfWork& u) {
        for (int i = 0; i < kMessages; ++i) {
            u.AppendMessage(kCustomer, i % 2 == 0 ? Direction::kIn : Direction::kOut,
                            "m" + std::to_string(i), kT0);
            if (i % 2 == 1) u.Enqueue("telegram", "c1", "o" + std::to_string(i), kT0);
            if (i == 25) {
                for (const auto& m : u.RecentMessages(kCustomer, 100))
                    history_then.push_back(m.text);
                pending_then = u.CountOutbox(OutboxStatus::kPending);
            }
        }
    });
    REQUIRE(history_then.size() == 26);
    CHECK(history_then.front() == "m0");
    CHECK(history_then.back() == "m25");
    CHECK(pending_then == 13);
    std::vector<std::string> history;
    std::vector<std::string> expected_history;
    std::vector<std::string> outbox;
    std::vector<std::string> expected_outbox;
    store->Read([&](UnitOfWork& u) {
        for (const auto& m : u.RecentMessages(kCustomer, 100)) history.push_back(m.text);
        for (const auto& m : u.ListOutbox(OutboxStatus::kPending, 100)) outbox.push_back(m.body);
    });
    for (int i = 0; i < kMessages; ++i) {
        expected_history.push_back("m" + std::to_string(i));
        if (i % 2 == 1) expected_outbox.push_back("o" + std::to_string(i));
    }
    CHECK(history == expected_history);
    CHECK(outbox == expected_outbox);
}

TEST_CASE_METHOD(StoreFixture, "a unit that fails loses all its writes", "[unit_of_work]") {
    CHECK_THROWS_AS(store->Write([&](UnitOfWork& u) {
        u.Enqueue("telegram", "c1", "lost", kT0);
        u.AppendMessage(kCustomer, Direction::kOut, "lost", kT0);
        throw std::runtime_error("the flow failed");
    }),
                    std::runtime_error);
    // The next unit (on the same connection) carries nothing of it over.
    store->Write([&](UnitOfWork& u) { u.Enqueue("telegram", "c1", "kept", kT0); });
    const auto pending =
        store->Read([](UnitOfWork& u) { return u.ListOutbox(OutboxStatus::kPending, 10); });
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].body == "kept");
    CHECK(store->Read([](UnitOfWork& u) { return u.RecentMessages(kCustomer, 10).size(); }) == 0);
}

TEST_CASE_METHOD(StoreFixture, "a booking's savepoints undo a lost try and nothing else",
                 "[unit_of_work][bookings]") {
    const core::TimePoint start = kT0 + 24h;
    const std::vector<core::TimePoint> cells{start, start + 30min};
    core::Booking b;
    b.customer = kCustomer;
    b.chat_id = "c1";
    b.service_id = "cut";
    b.starts_at = start;
    b.ends_at = start + 1h;
    std::optional<core::PlacedBooking> first;
    std::optional<core::PlacedBooking> second;
    store->Write([&](UnitOfWork& u) {
        first = u.InsertBookingOnFirstFree(b, {1, 2}, cells, kT0);
        // Chair 1 is taken by the booking above: its try is undone, chair 2 taken.
        second = u.InsertBookingOnFirstFree(b, {1, 2}, cells, kT0);
        u.Enqueue("telegram", "c1", "booked", kT0);
    });
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->resource == 1);
    CHECK(second->resource == 2);
    CHECK(store->Read([&](UnitOfWork& u) { return u.OccupiedCells(start, start + 1h).size(); }) ==
          4);
    CHECK(store->Read([](UnitOfWork& u) { return u.CountRows("bookings"); }) == 2);
}

TEST_CASE("a connection severed while idle is replaced when the unit only writes",
          "[unit_of_work][pgserver]") {
    StoreFixture f;
    // The statement is prepared on the connection before it is severed.
    f.store->Write([](UnitOfWork& u) { u.Enqueue("telegram", "c0", "before", kT0); });
    f.db->TerminateConnections();
    f.store->Write([](UnitOfWork& u) { u.Enqueue("telegram", "c1", "after", kT0); });
    const auto pending =
        f.store->Read([](UnitOfWork& u) { return u.ListOutbox(OutboxStatus::kPending, 10); });
    REQUIRE(pending.size() == 2);
    CHECK(pending[1].body == "after");
}

}  // namespace
}  // namespace bookbot::testing
