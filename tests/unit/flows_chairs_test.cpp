// Many chairs: a time is offered while any chair is free for it, and the
// confirmation finds that chair wherever it is, however many are busy.
#include <functional>

#include "flow_driver.hpp"

namespace bookbot::testing {
namespace {

constexpr int kChairs = 70;  // more than two probe windows of chairs

// The chair Flow::Confirm tries first for `user` (its spread), before reading.
int FirstGuess(const std::string& user) {
    return static_cast<int>(std::hash<std::string>{}("telegram\n" + user) %
                            static_cast<std::size_t>(kChairs));
}

// Books a haircut for a regular on `chair` from `start`, holding `cells`.
void Book(core::UnitOfWork& u, int chair, core::TimePoint start,
          const std::vector<core::TimePoint>& cells) {
    core::Booking b;
    b.customer = {"telegram", "regular" + std::to_string(chair)};
    b.chat_id = b.customer.user_id;
    b.service_id = "cut";
    b.resource = chair;
    b.starts_at = start;
    b.ends_at = start + 15min * static_cast<int>(cells.size());
    REQUIRE(u.InsertBooking(b, cells, kMonday0800));
}

// Makes every chair but `free_chair` busy for a 30-minute slot at `at`, each
// in its own way: a booking covering the slot, one ending in its first cell,
// one starting in its second, a cell off the 15-minute grid. Chair kChairs + 3
// (a chair the business no longer has) is busy too.
void FillAllBut(core::Store& store, core::TimePoint at, int free_chair) {
    store.Write([&](core::UnitOfWork& u) {
        for (int chair = 0; chair <= kChairs + 3; ++chair) {
            if (chair == free_chair || chair >= kChairs && chair != kChairs + 3) continue;
            switch (chair % 4) {
                case 0:
                    Book(u, chair, at, {at, at + 15min});
                    break;
                case 1:
                    Book(u, chair, at - 15min, {at - 15min, at});
                    break;
                case 2:
                    Book(u, chair, at + 15min, {at + 15min});
                    break;
                default:
                    Book(u, chair, at + 5min, {at + 5min});
                    break;
            }
        }
    });
}

void OpenTimes(ChatUser& user) {
    user.Say("/start");
    user.Press("Book an appointment");
    user.Press("Haircut · 25 EUR");
    user.Press("Tue 03.03.");
}

TEST_CASE("one free chair among many keeps a time offered and gets booked", "[flows][chairs]") {
    core::Business shop = core::DemoBusiness();
    shop.rules.resources = kChairs;
    Bot bot(shop);
    // A chair in the middle, far round from where alice's confirmation starts:
    // finding it takes more than the first window of chairs probed.
    int free_chair = (FirstGuess("alice") + 40) % kChairs;
    if (free_chair == 0 || free_chair == kChairs - 1) free_chair = (free_chair + 2) % kChairs;
    const core::TimePoint ten = BerlinTime(1, 10);
    FillAllBut(bot.store(), ten, free_chair);

    ChatUser alice(bot, "alice");
    ChatUser bob(bot, "bob");
    OpenTimes(alice);
    REQUIRE(alice.HasButton("10:00"));
    OpenTimes(bob);
    REQUIRE(bob.HasButton("10:00"));
    bob.Press("10:00");

    alice.Press("10:00");
    alice.Press("Yes");
    INFO(alice.Texts());
    REQUIRE(alice.Replies().front().text ==
            "Booked: Haircut on Tue 03.03. at 10:00. See you then!");
    const auto mine = alice.Upcoming();
    REQUIRE(mine.size() == 1);
    CHECK(mine[0].resource == free_chair);

    // Now every chair is busy at ten: bob, who chose it before, is refused,
    // and nobody is offered it.
    bob.Press("Yes");
    CHECK(bob.Replies().front().text ==
          "Sorry, that time was just taken. Please pick another one.");
    CHECK(bob.Upcoming().empty());
    ChatUser carol(bot, "carol");
    OpenTimes(carol);
    CHECK(carol.Screen() == "Which time on Tue 03.03.?");
    CHECK_FALSE(carol.HasButton("10:00"));
    CHECK(carol.HasButton("09:00"));
}

TEST_CASE("a time with every chair busy is not offered", "[flows][chairs]") {
    core::Business shop = core::DemoBusiness();
    shop.rules.resources = kChairs;
    Bot bot(shop);
    const core::TimePoint ten = BerlinTime(1, 10);
    FillAllBut(bot.store(), ten, -1);
    ChatUser alice(bot, "alice");
    OpenTimes(alice);
    CHECK(alice.HasButton("09:30"));
    CHECK_FALSE(alice.HasButton("10:00"));
    // A forged or stale press of ten is refused without a booking.
    alice.PressPayload(core::Engine::StampPayload(
        alice.Session().version, "slot:" + std::to_string(core::ToEpochMillis(ten)) + ":0"));
    CHECK(alice.Replies().front().text ==
          "Sorry, that time was just taken. Please pick another one.");
    CHECK(alice.Step() == "time");
    CHECK(alice.Upcoming().empty());
}

TEST_CASE("a small business: more busy cells than chairs still leaves a chair free",
          "[flows][chairs]") {
    // Three chairs, read cell by cell (few cells): at ten, chair 0 holds both
    // cells of the slot, chair 1 the first, and a chair the business no longer
    // has one more. Four occupied cells, one chair free.
    core::Business shop = core::DemoBusiness();
    shop.rules.resources = 3;
    Bot bot(shop);
    const core::TimePoint ten = BerlinTime(1, 10);
    bot.store().Write([&](core::UnitOfWork& u) {
        Book(u, 0, ten, {ten, ten + 15min});
        Book(u, 1, ten - 15min, {ten - 15min, ten});
        Book(u, 5, ten, {ten});
    });
    ChatUser alice(bot, "alice");
    OpenTimes(alice);
    REQUIRE(alice.HasButton("10:00"));
    alice.Press("10:00");
    alice.Press("Yes");
    REQUIRE(alice.Replies().front().text ==
            "Booked: Haircut on Tue 03.03. at 10:00. See you then!");
    REQUIRE(alice.Upcoming().size() == 1);
    CHECK(alice.Upcoming()[0].resource == 2);

    ChatUser bob(bot, "bob");
    OpenTimes(bob);
    CHECK_FALSE(bob.HasButton("10:00"));
    CHECK(bob.HasButton("09:00"));
}

}  // namespace
}  // namespace bookbot::testing
