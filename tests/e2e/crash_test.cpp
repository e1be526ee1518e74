// Randomized crash test: real `bookbot serve` processes take booking flows
// from several customers at once and are killed (SIGKILL) at random moments,
// then started again; customers deliver each update again until it is
// answered 200, as Telegram does. Afterwards, from the database and from what
// the fake Bot API received:
//   - every customer told "Booked" has that booking, and no booking exists
//     that nobody was told about (once the outbox drained);
//   - no two bookings overlap on one resource;
//   - the outbox drained (nothing pending, nothing dead);
//   - SQLite's integrity_check is ok.
//
// Small for CI (BOOKBOT_CRASH_KILLS, default 12). It prints its seed;
// BOOKBOT_CRASH_SEED=<seed> runs the same schedule of kills again. A soak:
//   BOOKBOT_CRASH_KILLS=500 scripts/test.sh -R 'crash\.'

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <thread>

#include "bookbot/backends/open_store.hpp"
#include "crash_driver.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kCustomers = 5;

std::uint64_t EnvNumber(const char* name, std::uint64_t fallback) {
    const char* value = std::getenv(name);
    return value && *value ? std::stoull(value) : fallback;
}

std::unique_ptr<Serve> StartServe(const TestDatabase& db, FakeBotApi& api) {
    // A short Bot API timeout: a killed server's claims run out after
    // 2 × 1 + 5 s, so the outbox drains quickly.
    return std::make_unique<Serve>(db.Url(), api, Serve::Mode::kWebhook,
                                   std::vector<std::string>{"--telegram-timeout", "1"});
}

std::int64_t Pending(core::Store& store) {
    return store.Read(
        [](core::UnitOfWork& u) { return u.CountOutbox(core::OutboxStatus::kPending); });
}

// Polls until the outbox is drained or `timeout` passes.
bool AwaitDrained(core::Store& store, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (Pending(store) != 0) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(100ms);
    }
    return true;
}

TEST_CASE("serve killed at random moments: no booking lost, doubled or untold", "[serve][crash]") {
    const std::uint64_t seed = EnvNumber("BOOKBOT_CRASH_SEED", std::random_device()());
    const auto kills = static_cast<int>(EnvNumber("BOOKBOT_CRASH_KILLS", 12));
    std::cout << "crash test: backend=" << TestDatabase::Backend() << " seed=" << seed
              << " kills=" << kills << " (BOOKBOT_CRASH_SEED=" << seed << " repeats it)"
              << std::endl;
    CAPTURE(seed);
    const auto started = std::chrono::steady_clock::now();

    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken, 8);
    ServerAddress address;
    auto serve = StartServe(*db, api);
    address.Set(serve->port());

    std::vector<std::unique_ptr<CrashCustomer>> customers;
    for (int i = 0; i < kCustomers; ++i) {
        customers.push_back(
            std::make_unique<CrashCustomer>(api, address, 990001 + i, seed + 1 + i));
    }
    std::atomic<bool> stop{false};
    std::vector<std::string> errors(kCustomers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kCustomers; ++i) {
        threads.emplace_back([&, i] { errors[i] = customers[i]->Run(stop); });
    }

    // The crashes: at random moments, a kill -9 and a restart.
    std::mt19937_64 rng(seed);
    for (int k = 0; k < kills; ++k) {
        // A random moment, mostly while an update is being handled: a few
        // milliseconds after a POST started is inside its unit of work.
        std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 900));
        if (rng() % 4 != 0 && address.AwaitInFlight(2s)) {
            std::this_thread::sleep_for(std::chrono::microseconds(rng() % 6000));
        }
        address.Set(0);
        serve->process().Signal(SIGKILL);
        serve->process().Wait();
        serve = StartServe(*db, api);
        address.Set(serve->port());
    }
    stop = true;
    for (auto& t : threads) t.join();
    for (const auto& e : errors) {
        INFO(e);
        CHECK(e.empty());
    }

    auto store = backends::OpenStore(db->Url());
    REQUIRE(AwaitDrained(*store, 60s));

    int updates = 0;
    int redeliveries = 0;
    std::size_t told_total = 0;
    const core::TimePoint now = core::SystemClock().Now();
    for (const auto& c : customers) {
        CAPTURE(c->chat_id());
        updates += c->updates();
        redeliveries += c->redeliveries();
        std::size_t told = 0;
        for (const auto& m : api.Chat(c->chat_id())) {
            if (m.text.rfind("Booked: ", 0) == 0) ++told;
        }
        const auto booked = store->Read([&](core::UnitOfWork& u) {
            return u.UpcomingBookings({"telegram", std::to_string(c->chat_id())}, now);
        });
        CHECK(booked.size() == told);  // each told has it; none untold
        told_total += told;
    }

    // No double booking: bookings of one resource never overlap.
    const auto all = store->Read([](core::UnitOfWork& u) {
        return u.BookingsBetween(core::FromEpochMillis(0), core::FromEpochMillis(1LL << 50));
    });
    CHECK(all.size() == told_total);
    std::map<int, std::vector<core::Booking>> by_resource;
    for (const auto& b : all) by_resource[b.resource].push_back(b);
    for (const auto& [resource, bookings] : by_resource) {
        for (std::size_t i = 1; i < bookings.size(); ++i) {
            CHECK(bookings[i - 1].ends_at <= bookings[i].starts_at);
        }
    }
    store->Read([](core::UnitOfWork& u) {
        CHECK(u.CountOutbox(core::OutboxStatus::kPending) == 0);
        CHECK(u.CountOutbox(core::OutboxStatus::kDead) == 0);
    });
    if (TestDatabase::Backend() == "sqlite") {
        CHECK(db->QueryText("PRAGMA integrity_check") == "ok");
    }
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
    std::cout << "crash test: " << kills << " kills, " << all.size() << " bookings, " << updates
              << " updates answered 200, " << redeliveries << " deliveries again, "
              << seconds.count() << " s" << std::endl;
    CHECK(told_total > 0);  // the run really booked
}

}  // namespace
}  // namespace bookbot::testing
