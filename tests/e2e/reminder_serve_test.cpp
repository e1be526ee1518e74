// Reminders through the real binary and the fake Bot API, with serve's clock
// moved by the hidden --test-clock-file: delivered when due, a button pressed
// on it works, and a serve killed with SIGKILL and restarted (next to a
// second instance) sends it exactly once.

#include <catch2/catch.hpp>
#include <csignal>
#include <string>

#include "bookbot/backends/open_store.hpp"
#include "bookbot/core/store.hpp"
#include "serve_files.hpp"
#include "telegram_harness.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

// Open every day, 2 h notice, a reminder 1 h before: the first free time is
// 2–2.25 h ahead, so its reminder is due 1–1.25 h from now.
struct Files : ServeFiles {
    Files()
        : ServeFiles(AlwaysOpenConfig("Reminder Shop", "Europe/Berlin",
                                      "minimum_notice_minutes = 120\nchange_cutoff_minutes = 0",
                                      "[reminders]\nlead_hours = [1]\n")) {}
    std::vector<std::string> Args() const {
        auto args = ServeFiles::Args();
        args.insert(args.end(), {"--reminder-seconds", "1"});
        return args;
    }
};

std::size_t CountReminders(const User& user) {
    std::size_t n = 0;
    for (const auto& m : user.Messages()) n += m.text.starts_with("Reminder: ") ? 1 : 0;
    return n;
}

TEST_CASE("a reminder is delivered when due and its Cancel button works", "[reminders]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    Files files;
    Serve serve(db->Url(), api, Serve::Mode::kWebhook, files.Args());
    User user(api, 4242);
    BookFirstFreeTime(serve, user);
    CHECK(CountReminders(user) == 0);

    files.SetOffset(std::chrono::minutes(90));  // past due, before the start
    REQUIRE(user.WaitFor("Reminder: Haircut on"));
    const auto reminder = user.Messages().back();
    REQUIRE(reminder.buttons.size() == 3);
    REQUIRE(serve.Post(user.Press("Cancel")).status == 200);
    REQUIRE(user.WaitFor("Cancel Haircut on"));
    REQUIRE(serve.Post(user.Press("Yes")).status == 200);
    REQUIRE(user.WaitFor("Cancelled: Haircut"));
    // The reminder's "See you then" on the cancelled booking says so.
    REQUIRE(serve.Post(user.PressOn(reminder, reminder.buttons.at(0).data)).status == 200);
    REQUIRE(user.WaitFor("That booking was already cancelled."));
}

TEST_CASE("a reminder is sent once across a kill -9 and a second instance", "[reminders][crash]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    Files files;
    User user(api, 4343);
    {
        Serve first(db->Url(), api, Serve::Mode::kWebhook, files.Args());
        BookFirstFreeTime(first, user);
        files.SetOffset(std::chrono::minutes(90));
        // Killed while its reminder loop may be taking the reminder: either
        // it committed (taken and enqueued) or nothing happened.
        first.process().Signal(SIGKILL);
        first.process().Wait();
    }
    Serve second(db->Url(), api, Serve::Mode::kWebhook, files.Args());
    Serve third(db->Url(), api, Serve::Mode::kWebhook, files.Args());
    REQUIRE(user.WaitFor("Reminder: Haircut on"));
    // Nothing is pending any more, so nothing can send it again.
    auto store = backends::OpenStore(db->Url());
    store->Read([&](core::UnitOfWork& u) {
        CHECK_FALSE(u.NextReminderDue());
        std::size_t queued = 0;
        for (auto status : {core::OutboxStatus::kPending, core::OutboxStatus::kSent}) {
            for (const auto& m : u.ListOutbox(status, 1000)) {
                queued += m.body.find("Reminder: ") != std::string::npos ? 1 : 0;
            }
        }
        CHECK(queued == 1);
    });
    CHECK(CountReminders(user) == 1);
}

}  // namespace
}  // namespace bookbot::testing
