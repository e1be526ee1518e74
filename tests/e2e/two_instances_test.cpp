// Two `bookbot serve` processes on one database behind one load driver (this
// test), as a team runs bookbot on PostgreSQL: every update is handled once
// (also when the platform delivers it again to the other instance), every
// reply reaches the chat exactly once while both are healthy, no chair is
// booked twice, and nobody is refused while a chair is free.

#include <catch2/catch.hpp>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "bookbot/backends/open_store.hpp"
#include "bookbot/core/store.hpp"
#include "telegram_harness.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

constexpr int kCustomers = 12;

// Open around the clock in UTC with one chair per customer: the first time of
// the first day has room for everyone. Times every 30 minutes, as long as a
// haircut, so two different times never share a cell.
std::string ShopConfig(int chairs) {
    return R"([business]
name = "Two Instance Shop"
time_zone = "UTC"
slot_step_minutes = 30
resources = )" +
           std::to_string(chairs) +
           R"(
minimum_notice_minutes = 0
change_cutoff_minutes = 0
horizon_days = 7

[hours]
mon = ["00:00-24:00"]
tue = ["00:00-24:00"]
wed = ["00:00-24:00"]
thu = ["00:00-24:00"]
fri = ["00:00-24:00"]
sat = ["00:00-24:00"]
sun = ["00:00-24:00"]

[[services]]
id = "cut"
name = "Haircut"
duration_minutes = 30
)";
}

class TempFile {
public:
    explicit TempFile(const std::string& text) {
        path_ =
            std::filesystem::temp_directory_path() / ("bookbot_two_" + std::to_string(getpid()) +
                                                      "_" + std::to_string(++counter_) + ".toml");
        std::ofstream(path_) << text;
    }
    ~TempFile() {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    std::string path() const { return path_.string(); }

private:
    static inline int counter_ = 0;
    std::filesystem::path path_;
};

// Everyone waits here until all have arrived (then all go at once).
class Barrier {
public:
    explicit Barrier(int count) : left_(count) {}
    void ArriveAndWait() {
        std::unique_lock lock(mutex_);
        if (--left_ == 0) changed_.notify_all();
        changed_.wait_for(lock, std::chrono::seconds(60), [&] { return left_ <= 0; });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int left_;
};

// A metric's value in a /metrics page (0 if the series is absent).
double MetricValue(const std::string& page, const std::string& series) {
    const std::size_t at = page.find("\n" + series + " ");
    if (at == std::string::npos) return 0;
    return std::stod(page.substr(at + series.size() + 2));
}

// One customer through the whole flow: each update goes to one instance, in
// turn, and every other one is delivered again to the other instance once the
// first answered (as Telegram does after a timeout). Returns what went wrong,
// or "" (no Catch2 assertions here: this runs on its own thread).
std::string BookOnTwo(Serve& a, Serve& b, User& user, std::size_t time, Barrier& before_yes,
                      int& replays) {
    Serve* serves[2] = {&a, &b};
    int turn = static_cast<int>(user.id() % 2);
    const auto post = [&](const std::optional<std::string>& update, const std::string& then,
                          bool replay) -> std::string {
        if (!update) return "no button before '" + then + "'; last: " + user.LastText();
        Serve& first = *serves[turn];
        Serve& other = *serves[1 - turn];
        turn = 1 - turn;
        if (const int status = first.Post(*update).status; status != 200) {
            return "update answered " + std::to_string(status) + " before '" + then + "'";
        }
        if (replay) {
            ++replays;
            if (const int status = other.Post(*update).status; status != 200) {
                return "replay answered " + std::to_string(status) + " before '" + then + "'";
            }
        }
        return user.WaitFor(then) ? "" : "no '" + then + "'; last: " + user.LastText();
    };
    std::string error = post(user.Text("/start"), "What would you like to do?", true);
    if (error.empty()) error = post(user.TryPress("Book an appointment"), "Which service", false);
    if (error.empty()) error = post(user.TryPress("Haircut"), "Which day", true);
    // The second day listed: a whole day at any hour the test runs (the first
    // may be today with fewer times left than customers).
    if (error.empty()) error = post(user.TryPressNth(1), "Which time", false);
    if (error.empty()) error = post(user.TryPressNth(time), "Book Haircut on", true);
    before_yes.ArriveAndWait();
    if (error.empty()) error = post(user.TryPress("Yes"), "Booked: Haircut", false);
    if (error.empty() && !user.WaitForMessages(2)) error = "no menu after the booking";
    return error;
}

// Runs kCustomers flows through two instances; each customer books time
// `time_of(customer)` (an index on the second day's first page of times).
void BookThroughTwoInstances(const std::function<std::size_t(int)>& time_of) {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken, 16);
    const TempFile config(ShopConfig(kCustomers));
    const std::vector<std::string> args = {"--config", config.path()};
    Serve a(db->Url(), api, Serve::Mode::kWebhook, args);
    Serve b(db->Url(), api, Serve::Mode::kWebhook, args);

    std::vector<User> users;
    for (int i = 0; i < kCustomers; ++i) users.emplace_back(api, 7100000000 + i);
    std::vector<std::string> errors(kCustomers);
    std::vector<int> replays(kCustomers, 0);
    Barrier before_yes(kCustomers);
    {
        std::vector<std::jthread> customers;
        for (int i = 0; i < kCustomers; ++i) {
            customers.emplace_back([&, i] {
                errors[i] = BookOnTwo(a, b, users[i], time_of(i), before_yes, replays[i]);
            });
        }
    }
    for (int i = 0; i < kCustomers; ++i) {
        INFO("customer " << i);
        CHECK(errors[i] == "");
    }

    // Every update handled once, every delivery again recognised.
    const std::string page_a = a.Get("/metrics").body;
    const std::string page_b = b.Get("/metrics").body;
    const auto sum = [&](const std::string& series) {
        return MetricValue(page_a, series) + MetricValue(page_b, series);
    };
    int replayed = 0;
    for (int r : replays) replayed += r;
    CHECK(sum(R"(bookbot_updates_total{transport="telegram",outcome="handled"})") ==
          6 * kCustomers);
    CHECK(sum(R"(bookbot_updates_total{transport="telegram",outcome="duplicate"})") == replayed);
    CHECK(MetricValue(page_a, R"(bookbot_updates_total{transport="telegram",outcome="handled"})") >
          0);
    CHECK(MetricValue(page_b, R"(bookbot_updates_total{transport="telegram",outcome="handled"})") >
          0);

    // A clean stop records every send, so the counts below are final.
    a.process().Signal(SIGTERM);
    b.process().Signal(SIGTERM);
    CHECK(a.process().Wait() == 0);
    CHECK(b.process().Wait() == 0);

    // Each reply went out once: per customer the greeting (edited at each of
    // the 5 presses) and the menu after the booking; not one call more.
    CHECK(api.Calls("sendMessage") == 2 * kCustomers);
    CHECK(api.Calls("editMessageText") == 5 * kCustomers);
    for (const User& user : users) {
        const auto messages = user.Messages();
        REQUIRE(messages.size() == 2);
        CHECK(messages[0].edits == 5);
        CHECK(messages[0].text.rfind("Booked: Haircut", 0) == 0);
    }

    // One booking per customer, no chair twice at one time, nothing left to send.
    auto store = backends::OpenStore(db->Url());
    store->Read([&](core::UnitOfWork& u) {
        const core::TimePoint now = core::SystemClock().Now();
        const auto bookings =
            u.BookingsBetween(now - std::chrono::hours(1), now + std::chrono::hours(24 * 8));
        CHECK(bookings.size() == kCustomers);
        std::set<std::pair<int, std::int64_t>> chairs;
        for (const auto& booking : bookings) {
            CHECK(chairs.emplace(booking.resource, core::ToEpochMillis(booking.starts_at)).second);
        }
        CHECK(u.CountOutbox(core::OutboxStatus::kPending) == 0);
        CHECK(u.CountOutbox(core::OutboxStatus::kDead) == 0);
    });
}

TEST_CASE("two instances on one database: each update once, each reply once", "[serve][two]") {
    // Everyone confirms at once, each a different time (the first page shows 12).
    BookThroughTwoInstances([](int customer) { return static_cast<std::size_t>(customer); });
}

}  // namespace
}  // namespace bookbot::testing
