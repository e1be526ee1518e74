// The store operations of staff chats and their one-time enrolment codes.

#include <atomic>

#include "fixture.hpp"

namespace bookbot::testing {
namespace {

using core::StaffChat;
using core::UnitOfWork;

TEST_CASE_METHOD(StoreFixture, "staff chats are enrolled once, listed and removed", "[staff]") {
    store->Write([&](UnitOfWork& u) {
        CHECK(u.AddStaffChat("telegram", "42", kT0));
        CHECK_FALSE(u.AddStaffChat("telegram", "42", kT0 + 1min));  // already staff
        CHECK(u.AddStaffChat("whatsapp", "4915100", kT0 + 2min));
        CHECK(u.AddStaffChat("telegram", "7", kT0 + 3min));
    });
    store->Read([&](UnitOfWork& u) {
        CHECK(u.ListStaffChats() == std::vector<StaffChat>{{"telegram", "42", kT0},
                                                           {"telegram", "7", kT0 + 3min},
                                                           {"whatsapp", "4915100", kT0 + 2min}});
    });
    store->Write([&](UnitOfWork& u) {
        CHECK(u.RemoveStaffChat("telegram", "42"));
        CHECK_FALSE(u.RemoveStaffChat("telegram", "42"));
        CHECK_FALSE(u.RemoveStaffChat("whatsapp", "42"));
    });
    store->Read([&](UnitOfWork& u) { CHECK(u.ListStaffChats().size() == 2); });
}

TEST_CASE_METHOD(StoreFixture, "a link code works once, before it expires, and is not stored",
                 "[staff]") {
    store->Write([&](UnitOfWork& u) {
        u.AddLinkCode("K7Q2-M9XW", kT0 + 15min, kT0);
        u.AddLinkCode("EXPIRES-SOON", kT0 + 1min, kT0);
    });
    // Only a hash is stored: no column of the table holds the code itself.
    std::vector<core::Row> rows;
    store->Read([&](UnitOfWork& u) { rows = u.ExportRows("staff_link_codes", std::nullopt, 10); });
    REQUIRE(rows.size() == 2);
    for (const core::Row& row : rows) {
        for (const auto& value : row) {
            if (const auto* text = std::get_if<std::string>(&value)) {
                CHECK(text->find("K7Q2") == std::string::npos);
                CHECK(text->size() == 64);
            }
        }
    }
    store->Write([&](UnitOfWork& u) {
        CHECK_FALSE(u.UseLinkCode("k7q2-m9xw", kT0 + 2min));  // codes are exact
        CHECK_FALSE(u.UseLinkCode("EXPIRES-SOON", kT0 + 2min));
        CHECK(u.UseLinkCode("K7Q2-M9XW", kT0 + 2min));
        CHECK_FALSE(u.UseLinkCode("K7Q2-M9XW", kT0 + 3min));  // used up
    });
    store->Read([&](UnitOfWork& u) { CHECK(u.CountRows("staff_link_codes") == 0); });
}

TEST_CASE_METHOD(StoreFixture, "of two units using one code, one succeeds", "[staff]") {
    store->Write([&](UnitOfWork& u) { u.AddLinkCode("RACE", kT0 + 15min, kT0); });
    std::atomic<int> used{0};
    RunConcurrently(
        [&] {
            core::RunWithRetry(*store, [&](UnitOfWork& u) { used += u.UseLinkCode("RACE", kT0); });
        },
        [&] {
            core::RunWithRetry(*store, [&](UnitOfWork& u) { used += u.UseLinkCode("RACE", kT0); });
        });
    CHECK(used.load() == 1);
}

}  // namespace
}  // namespace bookbot::testing
