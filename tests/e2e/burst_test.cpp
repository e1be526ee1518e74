// 20 updates of ONE chat hit a real `bookbot serve` at the same instant, each
// on its own connection (Telegram delivers a chat's messages and button
// presses through different queues, so they do arrive together). Repeated,
// per backend. Every update must be answered 200 (never a 5xx), each must be
// applied exactly once (one session transition each), and the result must be
// what handling them one after the other, in the order the database applied
// them, gives: the same session and the same replies.

#include <catch2/catch.hpp>
#include <latch>
#include <map>
#include <thread>

#include "bookbot/backends/open_store.hpp"
#include "bookbot/core/engine.hpp"
#include "telegram_harness.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

constexpr int kBurst = 20;
constexpr int kRounds = 4;

struct Sent {
    core::Inbound::Kind kind;
    std::string payload;
};

// Sends every body at the same instant, each on its own connection; returns
// the HTTP statuses (0: no answer at all).
std::vector<int> PostAtOnce(int port, const std::vector<std::string>& bodies) {
    std::vector<int> statuses(bodies.size(), 0);
    std::latch ready(static_cast<std::ptrdiff_t>(bodies.size()));
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        threads.emplace_back([&, i] {
            transports::http::ClientOptions options;
            options.headers = {{"X-Telegram-Bot-Api-Secret-Token", kWebhookSecret}};
            transports::http::Client client("http://127.0.0.1:" + std::to_string(port), options);
            ready.arrive_and_wait();
            try {
                statuses[i] =
                    client.Post("/telegram/webhook", "application/json", bodies[i]).status;
            } catch (const std::exception&) {
                statuses[i] = 0;
            }
        });
    }
    for (auto& t : threads) t.join();
    return statuses;
}

// The conversation's history, oldest first (the store orders it by id, and
// ids grow in the order units load and commit: the serial order).
std::vector<core::ConversationMessage> History(core::Store& store, const core::SessionKey& key) {
    return store.Read([&](core::UnitOfWork& u) { return u.RecentMessages(key, 1000); });
}

struct Outcome {
    core::Session session;
    std::vector<std::string> replies;  // outgoing history texts, in order
};

Outcome Read(core::Store& store, const core::SessionKey& key) {
    Outcome out;
    store.Read([&](core::UnitOfWork& u) {
        const auto lookup = u.LoadSession(key, core::SystemClock().Now());
        REQUIRE(lookup.session);
        out.session = *lookup.session;
    });
    for (const auto& m : History(store, key)) {
        if (m.direction == core::Direction::kOut) out.replies.push_back(m.text);
    }
    return out;
}

// Hands the updates to an engine on a fresh database, one after the other,
// in the order the live run's history shows they were applied.
Outcome ReplaySerially(const std::vector<core::ConversationMessage>& history,
                       const std::map<std::string, Sent>& by_history_text,
                       const core::SessionKey& key) {
    auto db = TestDatabase::Create();
    auto store = backends::OpenStore(db->Url());
    store->Migrate(core::SystemClock().Now());
    const core::Business shop = core::DemoBusiness();
    const core::SystemClock clock;
    core::Engine engine(*store, shop, clock);
    int n = 0;
    for (const auto& m : history) {
        if (m.direction != core::Direction::kIn) continue;
        const auto it = by_history_text.find(m.text);
        REQUIRE(it != by_history_text.end());
        core::Inbound in;
        in.platform = key.platform;
        in.external_id = "replay-" + std::to_string(n++);
        in.user_id = in.chat_id = key.user_id;
        in.kind = it->second.kind;
        in.payload = it->second.payload;
        in.at = clock.Now();
        engine.Handle(in);
    }
    return Read(*store, key);
}

TEST_CASE("20 updates of one chat at once: all 200, each applied once, as in a serial order",
          "[serve][burst]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken, 8);
    Serve serve(db->Url(), api, Serve::Mode::kWebhook);
    auto store = backends::OpenStore(db->Url());

    for (int round = 0; round < kRounds; ++round) {
        CAPTURE(round);
        User user(api, 880000 + round);
        const core::SessionKey key{"telegram", std::to_string(user.id())};
        REQUIRE(serve.Post(user.Text("/start")).status == 200);
        REQUIRE(user.WaitFor("What would you like to do?"));

        // Presses of the menu's three buttons (the first applied wins, the
        // rest are stale by then) and texts that move the conversation.
        std::map<std::string, Sent> by_history_text = {
            {"/start", {core::Inbound::Kind::kText, "/start"}}};
        std::vector<std::string> bodies;
        for (int i = 0; i < kBurst; ++i) {
            if (i % 4 == 3) {
                const std::string text = i % 8 == 3 ? "/start" : "hello " + std::to_string(i);
                bodies.push_back(user.Text(text));
                by_history_text[text] = {core::Inbound::Kind::kText, text};
                continue;
            }
            const std::size_t button = static_cast<std::size_t>(i % 4);
            const FakeBotApi::Button b = user.Messages().back().buttons.at(button);
            bodies.push_back(user.PressNth(button));
            by_history_text["[button] " + b.data.substr(b.data.find('|') + 1)] = {
                core::Inbound::Kind::kButton, b.data};
        }

        const std::vector<int> statuses = PostAtOnce(serve.port(), bodies);
        for (int i = 0; i < kBurst; ++i) {
            CAPTURE(i);
            CHECK(statuses[static_cast<std::size_t>(i)] == 200);
        }

        // One transition per update: /start made version 1, each of the 20 one more.
        const Outcome live = Read(*store, key);
        CHECK(live.session.version == 1 + kBurst);
        const auto history = History(*store, key);
        const auto inbound = std::count_if(history.begin(), history.end(), [](const auto& m) {
            return m.direction == core::Direction::kIn;
        });
        CHECK(inbound == 1 + kBurst);

        const Outcome serial = ReplaySerially(history, by_history_text, key);
        CHECK(live.session.context == serial.session.context);
        CHECK(live.session.step_history == serial.session.step_history);
        CHECK(live.session.version == serial.session.version);
        CHECK(live.replies == serial.replies);
    }
    // One process queues a chat's updates instead of letting them race: none
    // lost a compare-and-set and ran again.
    const std::string metrics = serve.Get("/metrics").body;
    const std::string retries = "bookbot_cas_retries_total{transport=\"telegram\"} ";
    const auto at = metrics.find(retries);
    INFO(metrics);
    CHECK((at == std::string::npos || metrics.compare(at + retries.size(), 2, "0\n") == 0));
}

}  // namespace
}  // namespace bookbot::testing
