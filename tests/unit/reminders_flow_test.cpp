// Reminders through the engine and the flows, with an injected clock, on the
// test run's backend: created with the booking, moved by a reschedule, gone
// with a cancellation, due at the right instant (also across a change to
// summer time), and their buttons valid after the session expired.

#include "bookbot/core/operator_actions.hpp"
#include "bookbot/core/reminders.hpp"
#include "flow_driver.hpp"

namespace bookbot::testing {
namespace {

using core::Reminder;

// Friday 2026-03-27, 08:00 in Berlin (CET, 07:00 UTC); Berlin moves to summer
// time (CEST, UTC+2) on Sunday 2026-03-29.
const core::TimePoint kFriday0800 = core::FromEpochMillis(1774594800000);

core::Business Shop(std::vector<std::chrono::hours> leads) {
    core::Business b = OneChairShop();
    b.reminder_leads = std::move(leads);
    return b;
}

std::vector<Reminder> RemindersOf(Bot& bot, std::int64_t booking_id) {
    return bot.store().Read([&](core::UnitOfWork& u) { return u.RemindersOf(booking_id); });
}

// The pending outbox messages to `chat`, oldest first.
std::vector<core::Reply> Outgoing(Bot& bot, const std::string& chat) {
    std::vector<core::Reply> out;
    bot.store().Read([&](core::UnitOfWork& u) {
        for (const auto& m : u.ListOutbox(core::OutboxStatus::kPending, 1000)) {
            if (m.chat_id == chat) out.push_back(core::DecodeReply(m.body));
        }
    });
    return out;
}

std::vector<core::Reply> RemindersTo(Bot& bot, const std::string& chat) {
    std::vector<core::Reply> out;
    for (auto& reply : Outgoing(bot, chat)) {
        if (reply.text.starts_with("Reminder: ")) out.push_back(std::move(reply));
    }
    return out;
}

core::ReminderRound SendAt(Bot& bot, core::TimePoint now) {
    bot.clock().Set(now);
    return core::SendDueReminders(bot.store(), bot.business(), bot.clock());
}

std::string PayloadLabelled(const core::Reply& reply, const std::string& label) {
    for (const auto& row : reply.keyboard) {
        for (const auto& button : row) {
            if (button.label == label) return button.payload;
        }
    }
    FAIL("no button " << label);
    return "";
}

TEST_CASE("a reminder is due exactly its lead before the start, across a DST change",
          "[reminders][dst]") {
    Bot bot(Shop({std::chrono::hours(72), std::chrono::hours(24)}), "");
    bot.clock().Set(kFriday0800);
    ChatUser ann(bot, "ann");
    BookThroughChat(ann, "Haircut · 25 EUR", "Mon 30.03.", "10:00");  // CEST: 08:00 UTC
    const core::Booking booking = ann.Upcoming().at(0);
    const core::TimePoint start = core::FromEpochMillis(1774598400000) + 72h;  // 2026-03-30T08:00Z
    REQUIRE(booking.starts_at == start);
    const auto reminders = RemindersOf(bot, booking.id);
    REQUIRE(reminders.size() == 2);
    CHECK(reminders[0].due_at == start - 72h);  // Friday 09:00 CET
    CHECK(reminders[1].due_at == start - 24h);  // Sunday 10:00 CEST

    for (const auto& r : reminders) {
        CHECK(SendAt(bot, r.due_at - 1ms).sent == 0);
        const core::ReminderRound round = SendAt(bot, r.due_at);
        CHECK(round.sent == 1);
        CHECK(SendAt(bot, r.due_at + 1h).sent == 0);  // once
    }
    const auto sent = RemindersTo(bot, "chat-ann");
    REQUIRE(sent.size() == 2);
    // The time as the customer's wall clock shows it, summer time included.
    CHECK(sent[1].text == "Reminder: Haircut on Mon 30.03. at 10:00.");
    CHECK(sent[1].keyboard.size() == 2);
    CHECK(PayloadLabelled(sent[1], "See you then") == "rm:ok:" + std::to_string(booking.id));
    CHECK_FALSE(RemindersOf(bot, booking.id)[1].pending);
}

TEST_CASE("a booking made 3 hours ahead gets no 24 h reminder", "[reminders]") {
    Bot bot(Shop({std::chrono::hours(24), std::chrono::hours(2)}), "");
    ChatUser bo(bot, "bo");
    BookThroughChat(bo, "Haircut · 25 EUR", "Mon 02.03.", "11:00");  // now is 08:00
    const auto reminders = RemindersOf(bot, bo.Upcoming().at(0).id);
    REQUIRE(reminders.size() == 1);
    CHECK(reminders[0].lead == std::chrono::hours(2));
    CHECK(reminders[0].due_at == BerlinTime(0, 9));
}

TEST_CASE("no reminders when lead_hours is empty", "[reminders]") {
    Bot bot(Shop({}), "");
    ChatUser cy(bot, "cy");
    BookThroughChat(cy, "Haircut · 25 EUR", "Wed 04.03.", "10:00");
    CHECK(RemindersOf(bot, cy.Upcoming().at(0).id).empty());
}

TEST_CASE("a cancelled booking is never reminded", "[reminders][cancel]") {
    Bot bot(Shop({std::chrono::hours(24)}), "");
    ChatUser di(bot, "di");
    ChatUser ed(bot, "ed");
    BookThroughChat(di, "Haircut · 25 EUR", "Wed 04.03.", "10:00");
    BookThroughChat(ed, "Haircut · 25 EUR", "Wed 04.03.", "11:00");
    const core::Booking mine = di.Upcoming().at(0);
    const core::Booking eds = ed.Upcoming().at(0);

    SECTION("by the customer") {
        di.Press("My bookings");
        di.Press("Haircut · Wed 04.03. 10:00");
        di.Press("Cancel this booking");
        di.Press("Yes");
        REQUIRE(di.Replies().front().text.starts_with("Cancelled: "));
    }
    SECTION("by the business") {
        core::OperatorActions ops(bot.store(), bot.business(), bot.clock());
        REQUIRE(ops.CancelBooking(mine.id).outcome == core::OperatorActions::Outcome::kDone);
    }
    CHECK(RemindersOf(bot, mine.id).empty());
    CHECK(SendAt(bot, mine.starts_at - 1min).sent == 1);  // ed's, not di's
    CHECK(RemindersTo(bot, "chat-di").empty());
    CHECK(RemindersTo(bot, "chat-ed").size() == 1);
    CHECK_FALSE(RemindersOf(bot, eds.id).at(0).pending);
}

TEST_CASE("a reschedule moves the reminder", "[reminders][reschedule]") {
    Bot bot(Shop({std::chrono::hours(24)}), "");
    ChatUser fa(bot, "fa");
    BookThroughChat(fa, "Haircut · 25 EUR", "Wed 04.03.", "10:00");
    const core::Booking before = fa.Upcoming().at(0);
    fa.Press("My bookings");
    fa.Press("Haircut · Wed 04.03. 10:00");
    fa.Press("Reschedule");
    fa.Press("Thu 05.03.");
    fa.Press("11:00");
    fa.Press("Yes");
    REQUIRE(fa.Replies().front().text.starts_with("Moved: "));
    const core::Booking after = fa.Upcoming().at(0);
    CHECK(RemindersOf(bot, before.id).empty());
    const auto moved = RemindersOf(bot, after.id);
    REQUIRE(moved.size() == 1);
    CHECK(moved[0].due_at == BerlinTime(2, 11));

    CHECK(SendAt(bot, before.starts_at - 24h).sent == 0);
    CHECK(SendAt(bot, BerlinTime(2, 11)).sent == 1);
    const auto sent = RemindersTo(bot, "chat-fa");
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].text == "Reminder: Haircut on Thu 05.03. at 11:00.");
}

TEST_CASE("a reminder's buttons work after the session expired", "[reminders][buttons]") {
    Bot bot(Shop({std::chrono::hours(24)}), "");
    ChatUser gu(bot, "gu");
    BookThroughChat(gu, "Haircut · 25 EUR", "Wed 04.03.", "10:00");
    const core::Booking booking = gu.Upcoming().at(0);
    REQUIRE(SendAt(bot, booking.starts_at - 24h).sent == 1);  // a day later: the session expired
    const core::Reply reminder = RemindersTo(bot, "chat-gu").at(0);

    SECTION("See you then") {
        gu.PressPayload(PayloadLabelled(reminder, "See you then"));
        INFO(gu.Texts());
        CHECK(gu.Replies().front().text == "Great, see you on Wed 04.03. at 10:00!");
        CHECK(gu.Step() == "menu");
        CHECK(gu.Upcoming().size() == 1);
    }
    SECTION("Reschedule enters the reschedule flow for that booking") {
        gu.PressPayload(PayloadLabelled(reminder, "Reschedule"));
        INFO(gu.Texts());
        CHECK(gu.Step() == "day");
        CHECK(gu.Choices().at("flow") == "reschedule");
        CHECK(gu.Choices().at("booking") == std::to_string(booking.id));
        gu.Press("Thu 05.03.");
        gu.Press("13:00");
        gu.Press("Yes");
        CHECK(gu.Replies().front().text == "Moved: Haircut is now on Thu 05.03. at 13:00.");
    }
    SECTION("Cancel asks, then cancels; a second press says it is already cancelled") {
        gu.PressPayload(PayloadLabelled(reminder, "Cancel"));
        INFO(gu.Texts());
        CHECK(gu.Screen() == "Cancel Haircut on Wed 04.03. at 10:00?");
        gu.Press("Yes");
        CHECK(gu.Replies().front().text == "Cancelled: Haircut on Wed 04.03. at 10:00.");
        CHECK(gu.Upcoming().empty());
        bot.clock().Advance(2h);  // expired again
        gu.PressPayload(PayloadLabelled(reminder, "See you then"));
        CHECK(gu.Replies().front().text == "That booking was already cancelled.");
        CHECK(gu.Step() == "menu");
    }
    SECTION("another customer cannot use them") {
        ChatUser mallory(bot, "mallory");
        mallory.PressPayload(PayloadLabelled(reminder, "Cancel"));
        CHECK(mallory.Replies().front().text == "That booking no longer exists.");
        CHECK(gu.Upcoming().size() == 1);
    }
}

TEST_CASE("a platform without reminders gets none", "[reminders]") {
    core::Business shop = Shop({std::chrono::hours(24)});
    shop.reminders_off.insert("telegram");
    Bot bot(shop, "");
    ChatUser hu(bot, "hu");
    BookThroughChat(hu, "Haircut · 25 EUR", "Wed 04.03.", "10:00");
    CHECK(RemindersOf(bot, hu.Upcoming().at(0).id).empty());
}

TEST_CASE("a platform with a template gets the reminder as that template", "[reminders]") {
    core::Business shop = Shop({std::chrono::hours(24)});
    shop.reminder_templates["telegram"] = {"booking_reminder", "de", {}};
    Bot bot(shop, "");
    ChatUser io(bot, "io");
    BookThroughChat(io, "Haircut · 25 EUR", "Wed 04.03.", "10:00");
    REQUIRE(SendAt(bot, BerlinTime(1, 10)).sent == 1);
    const core::Reply reminder = RemindersTo(bot, "chat-io").at(0);
    CHECK(reminder.template_message ==
          core::MessageTemplate{"booking_reminder", "de", {"Haircut", "Wed 04.03.", "10:00"}});
}

}  // namespace
}  // namespace bookbot::testing
