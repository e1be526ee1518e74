// Staff chats through the engine: notifications, staff commands, the hand-off
// round trip and the daily agenda.

#include "bookbot/core/staff.hpp"

#include <atomic>

#include "bookbot/core/store_wrapper.hpp"
#include "fault_injecting_store.hpp"
#include "flow_driver.hpp"

namespace bookbot::testing {
namespace {

using core::Reply;

core::Business ShopWithStaff() {
    core::Business b = OneChairShop();
    b.staff.chats["telegram"] = {"chat-boss"};
    return b;
}

// Every message queued for `chat_id`, oldest first.
std::vector<Reply> Sent(Bot& bot, const std::string& chat_id) {
    std::vector<Reply> out;
    bot.store().Read([&](core::UnitOfWork& u) {
        auto pending = u.ListOutbox(core::OutboxStatus::kPending, 1000);
        std::sort(pending.begin(), pending.end(),
                  [](const auto& a, const auto& b) { return a.id < b.id; });
        for (const auto& m : pending) {
            if (m.chat_id == chat_id) out.push_back(core::DecodeReply(m.body));
        }
    });
    return out;
}

std::string ButtonPayload(const Reply& reply, const std::string& label) {
    for (const auto& row : reply.keyboard) {
        for (const auto& b : row) {
            if (b.label == label) return b.payload;
        }
    }
    FAIL("no button " << label << " on: " << reply.text);
    return "";
}

TEST_CASE("a booking and its cancellation are announced in the staff chat", "[staff]") {
    Bot bot(ShopWithStaff());
    ChatUser alice(bot, "alice");
    BookThroughChat(alice, "Haircut · 25 EUR", "Tue 03.03.", "10:00");
    auto staff = Sent(bot, "chat-boss");
    REQUIRE(staff.size() == 1);
    CHECK(staff[0].text == "New booking: Haircut on Tue 03.03. at 10:00 for telegram user alice.");
}

TEST_CASE("without staff chats nothing extra is queued", "[staff]") {
    Bot bot;
    ChatUser alice(bot, "alice");
    BookThroughChat(alice, "Haircut · 25 EUR", "Tue 03.03.", "10:00");
    CHECK(Sent(bot, "chat-boss").empty());
    alice.Say("/start");
    alice.Press("Talk to a person");
    CHECK(alice.Say("anyone there?").empty());  // today's behaviour: the bot keeps quiet
}

TEST_CASE("a hand-off goes round: forwarded, answered, closed with Done", "[staff]") {
    Bot bot(ShopWithStaff());
    ChatUser alice(bot, "alice");
    ChatUser boss(bot, "boss");
    alice.Say("/start");
    alice.Press("Talk to a person");
    auto staff = Sent(bot, "chat-boss");
    REQUIRE(staff.size() == 1);
    CHECK(staff[0].text.rfind("telegram user alice asks for a person.", 0) == 0);
    CHECK(staff[0].text.find("› /start") != std::string::npos);  // the last messages

    const std::size_t to_alice_before = Sent(bot, "chat-alice").size();
    alice.Say("Can I bring my dog?");
    CHECK(Sent(bot, "chat-alice").size() == to_alice_before);  // the bot keeps quiet
    staff = Sent(bot, "chat-boss");
    REQUIRE(staff.size() == 2);
    CHECK(staff[1].text == "telegram user alice: Can I bring my dog?");

    boss.PressPayload(ButtonPayload(staff[1], "Reply"));
    CHECK(boss.Texts() ==
          "Your next messages go to telegram user alice. /done closes the hand-off.");
    const std::size_t before = Sent(bot, "chat-alice").size();
    boss.Say("Of course, bring him.");
    CHECK(boss.Texts() == "Sent to telegram user alice.");
    auto to_alice = Sent(bot, "chat-alice");
    REQUIRE(to_alice.size() == before + 1);
    CHECK(to_alice.back().text == "Of course, bring him.");

    boss.PressPayload(ButtonPayload(staff[1], "Done"));
    CHECK(boss.Texts().rfind("Hand-off with telegram user alice closed", 0) == 0);
    to_alice = Sent(bot, "chat-alice");
    CHECK(to_alice.back().text == "The person has closed this conversation. How else can I help?");
    CHECK(alice.Step() == "menu");
    std::vector<core::ConversationMessage> history;
    bot.store().Read([&](core::UnitOfWork& u) { history = u.RecentMessages(alice.key(), 3); });
    REQUIRE(history.size() == 3);
    CHECK(history[0].text == "Can I bring my dog?");
    CHECK(history[1].text == "Of course, bring him.");

    // Resolved: a second Done is harmless, and the bot answers alice again.
    boss.PressPayload(ButtonPayload(staff[1], "Done"));
    CHECK(boss.Texts() == "That hand-off is already closed.");
    alice.Say("hello");
    CHECK(alice.Texts().rfind("Sorry, I did not understand that.", 0) == 0);
    CHECK(Sent(bot, "chat-boss").back().text == "That hand-off is already closed.");
}

TEST_CASE("during a hand-off words go to the person, also after a time-out, /book still books",
          "[staff]") {
    Bot bot(ShopWithStaff());
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    alice.Press("Talk to a person");
    bot.clock().Advance(bot.business().session_ttl + 1min);
    CHECK(alice.Say("still there?").empty());  // not "timed out": the person has it
    CHECK(Sent(bot, "chat-boss").back().text == "telegram user alice: still there?");
    CHECK(alice.Step() == "menu");
    alice.Say("/book");
    CHECK(alice.Step() == "service");
    CHECK(Sent(bot, "chat-boss").back().text == "telegram user alice: still there?");
}

TEST_CASE("/done while replying closes the hand-off", "[staff]") {
    Bot bot(ShopWithStaff());
    ChatUser alice(bot, "alice");
    ChatUser boss(bot, "boss");
    alice.Say("/start");
    alice.Press("Talk to a person");
    boss.PressPayload(ButtonPayload(Sent(bot, "chat-boss").at(0), "Reply"));
    boss.Say("/done");
    CHECK(boss.Texts().rfind("Hand-off with telegram user alice closed", 0) == 0);
    CHECK(alice.Step() == "menu");
}

TEST_CASE("staff commands work in a staff chat only", "[staff]") {
    Bot bot(ShopWithStaff());
    ChatUser alice(bot, "alice");
    ChatUser boss(bot, "boss");
    BookThroughChat(alice, "Haircut · 25 EUR", "Tue 03.03.", "10:00");

    alice.Say("/tomorrow");
    CHECK(alice.Texts().rfind("Sorry, I did not understand that.", 0) == 0);
    alice.Say("/cancel_booking " + std::to_string(alice.Upcoming().at(0).id));
    CHECK(alice.Upcoming().size() == 1);

    boss.Say("/today");
    CHECK(boss.Texts() == "No bookings on 2026-03-02.");
    boss.Say("/bookings 2026-03-03");
    CHECK(boss.Texts().rfind("Bookings on 2026-03-03:\n10:00 Haircut · telegram user alice", 0) ==
          0);
    boss.Say("/tomorrow");
    CHECK(boss.Texts().find("10:00 Haircut") != std::string::npos);
    boss.Say("/flags");
    CHECK(boss.Texts() == "No open hand-offs.");

    boss.Say("/cancel_booking " + std::to_string(alice.Upcoming().at(0).id));
    CHECK(alice.Upcoming().empty());
    CHECK(Sent(bot, "chat-alice").back().text.rfind("Sorry, Barber Demo had to cancel", 0) == 0);
    CHECK(Sent(bot, "chat-boss").back().text.rfind("Cancelled by the business: Haircut", 0) == 0);
    boss.Say("what?");
    CHECK(boss.Texts().rfind("Staff commands:", 0) == 0);
}

TEST_CASE("a chat with a link code becomes staff, once per code", "[staff]") {
    Bot bot;
    ChatUser carol(bot, "carol");
    ChatUser mallory(bot, "mallory");
    bot.store().Write(
        [&](core::UnitOfWork& u) { u.AddLinkCode("ABCD-1234", kMonday0800 + 15min, kMonday0800); });
    mallory.Say("/link WRONG");
    CHECK(mallory.Texts() == "That code is not valid or has expired.");
    carol.Say("/link ABCD-1234");
    CHECK(carol.Texts() == "This chat is now a staff chat of Barber Demo.");
    mallory.Say("/link ABCD-1234");
    CHECK(mallory.Texts() == "That code is not valid or has expired.");
    carol.Say("/flags");
    CHECK(carol.Texts() == "No open hand-offs.");
    // Not staff: a customer's words (mallory's first: the greeting), never the staff desk.
    mallory.Say("/flags");
    CHECK(mallory.Texts().rfind("Hello! I am the booking assistant", 0) == 0);
    mallory.Say("/flags");
    CHECK(mallory.Texts().rfind("Sorry, I did not understand that.", 0) == 0);
}

// Counts the units' ListStaffChats calls; forwards everything.
class StaffListCounter final : public core::StoreWrapper {
public:
    using StoreWrapper::StoreWrapper;
    int lists() const { return lists_.load(); }
    void Run(Access access, const std::function<void(core::UnitOfWork&)>& work) override {
        target().Run(access, [&](core::UnitOfWork& inner) {
            Unit unit(inner, lists_);
            work(unit);
        });
    }

private:
    class Unit final : public UnitOfWorkWrapper {
    public:
        Unit(core::UnitOfWork& target, std::atomic<int>& lists)
            : UnitOfWorkWrapper(target), lists_(lists) {}

    protected:
        void Before(std::string_view method) override { lists_ += method == "ListStaffChats"; }

    private:
        std::atomic<int>& lists_;
    };
    std::atomic<int> lists_{0};
};

TEST_CASE("customers' updates do not read the enrolled staff chats each time, /link counts at once",
          "[staff]") {
    auto db = TestDatabase::Create("sqlite");
    auto real = backends::OpenStore(db->Url());
    real->Migrate(kMonday0800);
    StaffListCounter store(*real);
    const core::Business business = ShopWithStaff();
    FixedClock clock(kMonday0800);
    core::Engine engine(store, business, clock);
    int updates = 0;
    const auto say = [&](const std::string& user, const std::string& text) {
        core::Inbound in;
        in.platform = "telegram";
        in.external_id = "u" + std::to_string(++updates);
        in.user_id = user;
        in.chat_id = "chat-" + user;
        in.payload = text;
        const auto replies = engine.Handle(in).replies;
        return replies.empty() ? std::string() : replies.front().text;
    };

    say("alice", "/start");
    const int lists = store.lists();
    CHECK(lists <= 1);
    for (int i = 0; i < 5; ++i) say("alice", "hello");
    CHECK(store.lists() == lists);  // no query per update

    // Enrolled by another instance or process: staff once the cache is refreshed.
    real->Write(
        [&](core::UnitOfWork& u) { u.AddStaffChat("telegram", "chat-carol", kMonday0800); });
    CHECK(say("carol", "/flags").rfind("Hello! I am the booking assistant", 0) == 0);
    clock.Advance(core::StaffDirectory::kRefresh);
    CHECK(say("carol", "/flags") == "No open hand-offs.");

    // Enrolled by /link through this engine: staff from the next message on.
    real->Write(
        [&](core::UnitOfWork& u) { u.AddLinkCode("ABCD-1234", kMonday0800 + 1h, kMonday0800); });
    CHECK(say("dave", "/flags").rfind("Hello! I am the booking assistant", 0) == 0);
    CHECK(say("dave", "/link ABCD-1234") == "This chat is now a staff chat of Barber Demo.");
    CHECK(say("dave", "/flags") == "No open hand-offs.");
}

TEST_CASE("the daily agenda goes out once a day, after its time, never for yesterday", "[staff]") {
    core::Business business = ShopWithStaff();
    business.staff.agenda_minute = 8 * 60 + 30;
    Bot bot(business);
    const auto agenda = [&](core::TimePoint now) {
        return core::SendDailyAgendaIfDue(bot.store(), bot.business(), now) ==
               core::AgendaOutcome::kSent;
    };
    CHECK(core::SendDailyAgendaIfDue(bot.store(), bot.business(), BerlinTime(0, 8, 29)) ==
          core::AgendaOutcome::kNotDue);
    CHECK(agenda(BerlinTime(0, 9, 50)));  // down at 08:30, started at 09:50
    CHECK(core::SendDailyAgendaIfDue(bot.store(), bot.business(), BerlinTime(0, 9, 51)) ==
          core::AgendaOutcome::kAlreadySent);
    CHECK_FALSE(agenda(BerlinTime(1, 0, 20)));  // after midnight: not yesterday's again
    CHECK(agenda(BerlinTime(1, 8, 30)));
    const auto staff = Sent(bot, "chat-boss");
    REQUIRE(staff.size() == 2);
    CHECK(staff[0].text == "No bookings on 2026-03-02.");
    CHECK(staff[1].text == "No bookings on 2026-03-03.");
}

}  // namespace
}  // namespace bookbot::testing
