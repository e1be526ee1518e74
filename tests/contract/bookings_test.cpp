#include <atomic>
#include <thread>

#include "fixture.hpp"

namespace bookbot::testing {
namespace {

using core::Booking;
using core::UnitOfWork;

Booking MakeBooking(const std::string& user, int resource, core::TimePoint start,
                    core::Millis length) {
    Booking b;
    b.customer = {"telegram", user};
    b.chat_id = user;
    b.service_id = "haircut";
    b.resource = resource;
    b.starts_at = start;
    b.ends_at = start + length;
    return b;
}

// The 15-minute cells of [start, start + length).
std::vector<core::TimePoint> Cells(core::TimePoint start, core::Millis length) {
    std::vector<core::TimePoint> cells;
    for (auto t = start; t < start + length; t += 15min) cells.push_back(t);
    return cells;
}

std::optional<std::int64_t> Insert(core::Store& store, const Booking& b) {
    std::optional<std::int64_t> id;
    store.Write([&](UnitOfWork& u) {
        id = u.InsertBooking(b, Cells(b.starts_at, b.ends_at - b.starts_at), kT0);
    });
    return id;
}

const core::TimePoint kTen = kT0 + 24h;  // a slot tomorrow

TEST_CASE_METHOD(StoreFixture, "a booking occupies its cells and nothing else", "[bookings]") {
    const auto id = Insert(*store, MakeBooking("alice", 0, kTen, 45min));
    REQUIRE(id);
    store->Read([&](UnitOfWork& u) {
        const auto found = u.FindBooking(*id);
        REQUIRE(found);
        CHECK(found->customer == core::SessionKey{"telegram", "alice"});
        CHECK(found->starts_at == kTen);
        CHECK(found->ends_at == kTen + 45min);
        CHECK(found->status == core::BookingStatus::kConfirmed);
        CHECK(found->created_at == kT0);
        const auto cells = u.OccupiedCells(kTen - 1h, kTen + 2h);
        REQUIRE(cells.size() == 3);
        CHECK(cells[0] == core::OccupiedCell{0, kTen, *id});
        CHECK(cells[2].cell_start == kTen + 30min);
    });
}

TEST_CASE_METHOD(StoreFixture, "an overlapping booking is refused and writes nothing",
                 "[bookings]") {
    REQUIRE(Insert(*store, MakeBooking("alice", 0, kTen, 45min)));
    CHECK_FALSE(Insert(*store, MakeBooking("bob", 0, kTen + 30min, 30min)));
    store->Read([&](UnitOfWork& u) {
        CHECK(u.BookingsBetween(kT0, kT0 + 48h).size() == 1);
        CHECK(u.OccupiedCells(kT0, kT0 + 48h).size() == 3);
        CHECK(u.UpcomingBookings({"telegram", "bob"}, kT0).empty());
    });
    // The same time on another resource (a second chair) is free.
    CHECK(Insert(*store, MakeBooking("bob", 1, kTen + 30min, 30min)));
}

TEST_CASE_METHOD(StoreFixture, "cancelling releases the cells", "[bookings]") {
    const auto id = Insert(*store, MakeBooking("alice", 0, kTen, 30min));
    REQUIRE(id);
    store->Write([&](UnitOfWork& u) {
        CHECK(u.CancelBooking(*id, kT0 + 1h));
        CHECK_FALSE(u.CancelBooking(*id, kT0 + 2h));
        CHECK_FALSE(u.CancelBooking(*id + 12345, kT0 + 2h));
        CHECK(u.FindBooking(*id)->status == core::BookingStatus::kCancelled);
        CHECK(u.FindBooking(*id)->updated_at == kT0 + 1h);
        CHECK(u.UpcomingBookings({"telegram", "alice"}, kT0).empty());
    });
    CHECK(Insert(*store, MakeBooking("bob", 0, kTen, 30min)));
}

TEST_CASE_METHOD(StoreFixture, "a reschedule swaps times atomically", "[bookings]") {
    const auto old_id = Insert(*store, MakeBooking("alice", 0, kTen, 30min));
    REQUIRE(old_id);
    REQUIRE(Insert(*store, MakeBooking("bob", 0, kTen + 1h, 30min)));
    // Moving onto bob's time fails, and the unit is rolled back as a whole.
    CHECK_THROWS(store->Write([&](UnitOfWork& u) {
        REQUIRE(u.CancelBooking(*old_id, kT0));
        if (!u.InsertBooking(MakeBooking("alice", 0, kTen + 1h, 30min), Cells(kTen + 1h, 30min),
                             kT0)) {
            throw std::runtime_error("taken");
        }
    }));
    store->Read([&](UnitOfWork& u) {
        CHECK(u.FindBooking(*old_id)->status == core::BookingStatus::kConfirmed);
        CHECK(u.OccupiedCells(kTen, kTen + 30min).size() == 2);
    });
}

TEST_CASE_METHOD(StoreFixture, "upcoming bookings are the customer's unfinished ones",
                 "[bookings]") {
    REQUIRE(Insert(*store, MakeBooking("alice", 0, kT0 - 2h, 30min)));  // past
    REQUIRE(Insert(*store, MakeBooking("alice", 0, kTen + 2h, 30min)));
    REQUIRE(Insert(*store, MakeBooking("alice", 0, kTen, 30min)));
    REQUIRE(Insert(*store, MakeBooking("bob", 1, kTen, 30min)));
    store->Read([&](UnitOfWork& u) {
        const auto upcoming = u.UpcomingBookings({"telegram", "alice"}, kT0);
        REQUIRE(upcoming.size() == 2);
        CHECK(upcoming[0].starts_at == kTen);
        CHECK(upcoming[1].starts_at == kTen + 2h);
        CHECK(u.BookingsBetween(kTen, kTen + 1h).size() == 2);
    });
}

TEST_CASE_METHOD(StoreFixture, "two processes racing for one slot get one booking",
                 "[bookings][race]") {
    auto other = OpenAnother();
    for (int round = 0; round < 10; ++round) {
        const auto start = kTen + std::chrono::hours(round);
        std::atomic<int> won{0};
        auto book = [&](core::Store& s, const std::string& user) {
            core::RunWithRetry(s, [&](UnitOfWork& u) {
                if (u.InsertBooking(MakeBooking(user, 0, start, 30min), Cells(start, 30min), kT0)) {
                    ++won;
                }
            });
        };
        RunConcurrently([&] { book(*store, "alice"); }, [&] { book(*other, "bob"); });
        CHECK(won.load() == 1);
    }
    store->Read([&](UnitOfWork& u) { CHECK(u.BookingsBetween(kT0, kT0 + 72h).size() == 10); });
}

TEST_CASE_METHOD(StoreFixture, "a booking takes the first listed chair that is free",
                 "[bookings]") {
    // Chair 0 holds the slot's second cell only, chair 2 all of it.
    REQUIRE(Insert(*store, MakeBooking("a", 0, kTen + 15min, 15min)));
    REQUIRE(Insert(*store, MakeBooking("b", 2, kTen, 30min)));
    std::optional<core::PlacedBooking> placed;
    store->Write([&](UnitOfWork& u) {
        placed = u.InsertBookingOnFirstFree(MakeBooking("c", 9, kTen, 30min), {0, 2, 1, 3},
                                            Cells(kTen, 30min), kT0);
    });
    REQUIRE(placed);
    CHECK(placed->resource == 1);
    store->Read([&](UnitOfWork& u) {
        // The tries on chairs 0 and 2 left nothing behind.
        CHECK(u.CountRows("bookings") == 3);
        CHECK(u.OccupiedCells(kTen, kTen + 30min).size() == 5);
        CHECK(u.FindBooking(placed->id)->resource == 1);
    });
    store->Write([&](UnitOfWork& u) {
        CHECK_FALSE(u.InsertBookingOnFirstFree(MakeBooking("d", 0, kTen, 30min), {0, 1, 2},
                                               Cells(kTen, 30min), kT0));
        CHECK(u.CountRows("bookings") == 3);  // and the unit goes on
    });
}

TEST_CASE_METHOD(StoreFixture, "ten processes' worth of confirmations fill two chairs, no fewer",
                 "[bookings][race]") {
    // Two stores (two processes' pools), ten units at once, all for one time
    // on chairs {0, 1}: every chair ends up taken, and only then is anyone refused.
    auto other = OpenAnother();
    for (int round = 0; round < 10; ++round) {
        const auto start = kTen + std::chrono::hours(round);
        std::atomic<int> won{0};
        std::atomic<int> ready{0};
        std::vector<std::thread> threads;
        for (int c = 0; c < 10; ++c) {
            threads.emplace_back([&, c] {
                ++ready;
                while (ready.load() < 10) std::this_thread::yield();
                core::RunWithRetry(c % 2 == 0 ? *store : *other, [&](UnitOfWork& u) {
                    if (u.InsertBookingOnFirstFree(
                            MakeBooking("u" + std::to_string(c), 0, start, 30min), {0, 1},
                            Cells(start, 30min), kT0)) {
                        ++won;
                    }
                });
            });
        }
        for (auto& t : threads) t.join();
        CHECK(won.load() == 2);
    }
    store->Read([&](UnitOfWork& u) { CHECK(u.BookingsBetween(kT0, kT0 + 72h).size() == 20); });
}

TEST_CASE_METHOD(StoreFixture, "occupied cells are counted per range", "[bookings]") {
    REQUIRE(Insert(*store, MakeBooking("a", 0, kTen, 45min)));
    REQUIRE(Insert(*store, MakeBooking("b", 1, kTen + 15min, 15min)));
    store->Read([&](UnitOfWork& u) {
        CHECK(u.CountOccupiedCells({}).empty());
        CHECK(u.CountOccupiedCells({{kTen, kTen + 15min},
                                    {kTen, kTen + 1h},
                                    {kTen + 15min, kTen + 30min},
                                    {kTen + 1h, kTen + 2h},
                                    {kT0, kTen}}) == std::vector<std::int64_t>{1, 4, 2, 0, 0});
    });
}

// Chair 0: three cells from ten; chair 1: one at 10:15; chair 2: one off the
// 15-minute grid at 10:05 (left by an earlier slot step); chair 5: ten;
// chair 7: noon.
void FillChairs(core::Store& store) {
    store.Write([&](UnitOfWork& u) {
        REQUIRE(u.InsertBooking(MakeBooking("a", 0, kTen, 45min), Cells(kTen, 45min), kT0));
        REQUIRE(u.InsertBooking(MakeBooking("b", 1, kTen + 15min, 15min), {kTen + 15min}, kT0));
        REQUIRE(u.InsertBooking(MakeBooking("c", 2, kTen + 5min, 5min), {kTen + 5min}, kT0));
        REQUIRE(u.InsertBooking(MakeBooking("d", 5, kTen, 30min), Cells(kTen, 30min), kT0));
        REQUIRE(u.InsertBooking(MakeBooking("e", 7, kTen + 2h, 15min), {kTen + 2h}, kT0));
    });
}

TEST_CASE_METHOD(StoreFixture, "busy among candidates names exactly the busy ones", "[bookings]") {
    FillChairs(*store);
    store->Read([&](UnitOfWork& u) {
        CHECK(u.BusyAmong(kTen, kTen + 30min, {}).empty());
        CHECK(u.BusyAmong(kTen, kTen + 30min, {5, 0, 3, 2, 7, 1, 9}) ==
              std::vector<int>{0, 1, 2, 5});
        // Only cells starting in the range count: chair 0's 10:00 and 10:30
        // cells do not, its 10:15 one does; chair 2's off-grid cell does.
        CHECK(u.BusyAmong(kTen + 1min, kTen + 20min, {3, 2, 1, 0}) == std::vector<int>{0, 1, 2});
        CHECK(u.BusyAmong(kTen + 20min, kTen + 30min, {0, 1, 2, 5}).empty());
        CHECK(u.BusyAmong(kTen, kTen + 15min, {0, 0, 4}) == std::vector<int>{0});
    });
}

TEST_CASE_METHOD(StoreFixture, "a booking with no cells is invalid", "[bookings]") {
    REQUIRE_STORAGE_ERROR(store->Write([&](UnitOfWork& u) {
        u.InsertBooking(MakeBooking("a", 0, kTen, 30min), {}, kT0);
    }),
                          kInvalid);
}

}  // namespace
}  // namespace bookbot::testing
