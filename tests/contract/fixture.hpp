#pragma once

// Shared set-up for the store contract: the same tests run against every
// backend; which one is chosen by the test run (see TestDatabase).

#include <catch2/catch.hpp>
#include <future>
#include <memory>

#include "bookbot/backends/open_store.hpp"
#include "bookbot/core/store.hpp"
#include "test_database.hpp"

namespace bookbot::testing {

using namespace std::chrono_literals;

// A fixed instant to build test times from: 2026-03-01T12:00:00Z.
inline const core::TimePoint kT0 = core::FromEpochMillis(1772366400000);

// A fresh database with the schema migrated, and a store open on it.
struct StoreFixture {
    std::unique_ptr<TestDatabase> db = TestDatabase::Create();
    std::unique_ptr<core::Store> store = OpenAndMigrate(db->Url());

    static std::unique_ptr<core::Store> OpenAndMigrate(const std::string& url) {
        auto store = backends::OpenStore(url);
        store->Migrate(kT0);
        return store;
    }

    // Opens a second, independent store (its own pool) on the same database,
    // as a second bookbot process would.
    std::unique_ptr<core::Store> OpenAnother() const { return backends::OpenStore(db->Url()); }
};

// Runs a and b on two threads at once and rethrows what either threw, here.
// (Catch2's assertions are not thread-safe: assert after, not inside.)
template <typename A, typename B>
void RunConcurrently(A a, B b) {
    auto fa = std::async(std::launch::async, a);
    auto fb = std::async(std::launch::async, b);
    fa.get();
    fb.get();
}

// Asserts that `expr` throws StorageError of `kind`.
#define REQUIRE_STORAGE_ERROR(expr, expected_kind)                                    \
    do {                                                                              \
        try {                                                                         \
            expr;                                                                     \
            FAIL("expected StorageError " #expected_kind);                            \
        } catch (const ::bookbot::core::StorageError& e_) {                           \
            INFO(e_.what());                                                          \
            REQUIRE(e_.kind() == ::bookbot::core::StorageError::Kind::expected_kind); \
        }                                                                             \
    } while (false)

}  // namespace bookbot::testing
