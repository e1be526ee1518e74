// The store's reminders: added once per lead, taken once when due (also by
// two processes at once), pending again after a rollback, deleted with a
// cancellation.

#include "bookbot/core/reminders.hpp"

#include <algorithm>
#include <atomic>
#include <set>

#include "bookbot/core/business.hpp"
#include "fixed_clock.hpp"
#include "fixture.hpp"

namespace bookbot::testing {
namespace {

using core::Booking;
using core::UnitOfWork;

std::int64_t Book(core::Store& store, const std::string& user, core::TimePoint start,
                  int resource = 0) {
    Booking b;
    b.customer = {"telegram", user};
    b.chat_id = "chat-" + user;
    b.service_id = "cut";
    b.resource = resource;
    b.starts_at = start;
    b.ends_at = start + 30min;
    return store.Write([&](UnitOfWork& u) {
        auto id = u.InsertBooking(b, {start, start + 15min}, kT0);
        REQUIRE(id);
        return *id;
    });
}

TEST_CASE_METHOD(StoreFixture, "a reminder is taken once, when due", "[reminders]") {
    const auto start = kT0 + 48h;
    const auto id = Book(*store, "ann", start);
    store->Write([&](UnitOfWork& u) {
        CHECK(u.AddReminder(id, 24h, start - 24h, kT0));
        CHECK(u.AddReminder(id, 2h, start - 2h, kT0));
        CHECK_FALSE(u.AddReminder(id, 24h, start - 24h, kT0));  // one per lead
    });
    store->Write([&](UnitOfWork& u) {
        CHECK(u.NextReminderDue() == start - 24h);
        CHECK(u.TakeDueReminders(start - 24h - 1ms, 10).empty());
        const auto taken = u.TakeDueReminders(start - 24h, 10);
        REQUIRE(taken.size() == 1);
        CHECK(taken[0].booking_id == id);
        CHECK(taken[0].lead == 24h);
        CHECK(taken[0].due_at == start - 24h);
        CHECK(u.TakeDueReminders(start - 24h, 10).empty());
        CHECK(u.NextReminderDue() == start - 2h);
    });
    store->Read([&](UnitOfWork& u) {
        const auto all = u.RemindersOf(id);
        REQUIRE(all.size() == 2);
        CHECK_FALSE(all[0].pending);
        CHECK(all[0].sent_at == start - 24h);
        CHECK(all[1].pending);
        CHECK(all[1].created_at == kT0);
    });
}

TEST_CASE_METHOD(StoreFixture, "a rolled-back take leaves the reminder pending", "[reminders]") {
    const auto id = Book(*store, "bo", kT0 + 48h);
    store->Write([&](UnitOfWork& u) { u.AddReminder(id, 24h, kT0 + 24h, kT0); });
    CHECK_THROWS_AS(store->Write([&](UnitOfWork& u) {
        REQUIRE(u.TakeDueReminders(kT0 + 25h, 10).size() == 1);
        throw std::runtime_error("crash before commit");
    }),
                    std::runtime_error);
    store->Write([&](UnitOfWork& u) { CHECK(u.TakeDueReminders(kT0 + 25h, 10).size() == 1); });
}

TEST_CASE_METHOD(StoreFixture, "cancelling a booking deletes its pending reminders",
                 "[reminders]") {
    const auto id = Book(*store, "cy", kT0 + 48h);
    store->Write([&](UnitOfWork& u) {
        u.AddReminder(id, 47h, kT0 + 1h, kT0);
        u.AddReminder(id, 24h, kT0 + 24h, kT0);
        REQUIRE(u.TakeDueReminders(kT0 + 1h, 10).size() == 1);
    });
    store->Write([&](UnitOfWork& u) { REQUIRE(u.CancelBooking(id, kT0 + 2h)); });
    store->Read([&](UnitOfWork& u) {
        const auto left = u.RemindersOf(id);
        REQUIRE(left.size() == 1);  // the one already sent stays, as history
        CHECK_FALSE(left[0].pending);
        CHECK_FALSE(u.NextReminderDue());
    });
}

TEST_CASE_METHOD(StoreFixture, "two processes sending due reminders send each exactly once",
                 "[reminders][race]") {
    constexpr int kBookings = 60;
    for (int i = 0; i < kBookings; ++i) {
        const auto start = kT0 + 48h + std::chrono::minutes(30 * (i / 2));
        const auto id = Book(*store, "u" + std::to_string(i), start, i % 2);
        store->Write([&](UnitOfWork& u) { u.AddReminder(id, 24h, start - 24h, kT0); });
    }
    auto other = OpenAnother();
    core::Business business = core::DemoBusiness();
    FixedClock clock(kT0 + 40h);  // all due, none started
    std::atomic<int> sent{0};
    auto drain = [&](core::Store& s) {
        for (;;) {
            const auto round = core::SendDueReminders(s, business, clock, 3);
            sent += round.sent;
            if (round.sent + round.skipped == 0) return;
        }
    };
    RunConcurrently([&] { drain(*store); }, [&] { drain(*other); });
    CHECK(sent.load() == kBookings);
    store->Read([&](UnitOfWork& u) {
        const auto outbox = u.ListOutbox(core::OutboxStatus::kPending, 1000);
        CHECK(outbox.size() == kBookings);
        std::set<std::string> chats;
        for (const auto& m : outbox) chats.insert(m.chat_id);
        CHECK(chats.size() == kBookings);  // one each
    });
}

}  // namespace
}  // namespace bookbot::testing
