#include <map>
#include <set>

#include "dispatcher_fixture.hpp"

namespace bookbot::testing {
namespace {

TEST_CASE_METHOD(DispatcherFixture, "the dispatcher sends each chat's messages in order",
                 "[dispatcher]") {
    Enqueue("A", "a1");
    Enqueue("A", "a2");
    Enqueue("B", "b1");
    Enqueue("whatsapp-only", "x");
    store->Write([&](UnitOfWork& u) { u.Enqueue("whatsapp", "A", "w1", clock.Now()); });
    auto dispatcher = Make(Options());
    CHECK(dispatcher->RunOnce().sent == 3);  // a1, b1, x: one per chat per round
    CHECK(dispatcher->RunOnce().sent == 1);  // a2
    CHECK(dispatcher->RunOnce().claimed == 0);
    CHECK(sender.Bodies() == std::vector<std::string>{"a1", "b1", "x", "a2"});
    CHECK(Rows(OutboxStatus::kSent).size() == 4);
    CHECK(Rows(OutboxStatus::kPending).size() == 1);  // the whatsapp one is not ours
    CHECK(Sends("sent") == 4);
}

TEST_CASE_METHOD(DispatcherFixture,
                 "the unit that records a batch claims the next; a clean stop releases it",
                 "[dispatcher]") {
    Enqueue("A", "a1");
    Enqueue("A", "a2");
    auto dispatcher = Make(Options());
    CHECK(dispatcher->RunOnce().sent == 1);
    // a2 became claimable when a1 was marked sent, and was claimed in that unit.
    const auto pending = Rows(OutboxStatus::kPending);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].body == "a2");
    CHECK(pending[0].attempts == 1);  // a claim counts as an attempt
    dispatcher.reset();
    // Released by the stop: another worker sends it now, not after w1's lease.
    auto next = Make(Options("w2"));
    CHECK(next->RunOnce().sent == 1);
    CHECK(sender.Bodies() == std::vector<std::string>{"a1", "a2"});
}

TEST_CASE_METHOD(DispatcherFixture, "a transient failure is retried later with backoff",
                 "[dispatcher]") {
    Enqueue("A", "a1");
    Enqueue("A", "a2");
    sender.Then(SendOutcome::Transient("HTTP 502"));
    auto options = Options();
    options.base_backoff = 10s;
    auto dispatcher = Make(options);
    CHECK(dispatcher->RunOnce().retried == 1);
    const auto pending = Rows(OutboxStatus::kPending);
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].last_error == "HTTP 502");
    CHECK(pending[0].next_attempt_at >= clock.Now() + 5s);  // jitter: half to all of 10 s
    CHECK(pending[0].next_attempt_at <= clock.Now() + 10s);
    // Not due yet, and a2 waits behind a1: order per chat holds.
    CHECK(dispatcher->RunOnce().claimed == 0);
    clock.Advance(10s);
    CHECK(dispatcher->RunOnce().sent == 1);
    CHECK(dispatcher->RunOnce().sent == 1);
    CHECK(sender.Bodies() == std::vector<std::string>{"a1", "a1", "a2"});
}

TEST_CASE_METHOD(DispatcherFixture, "a 429 waits exactly the platform's retry_after",
                 "[dispatcher]") {
    Enqueue("A", "a1");
    sender.Then(SendOutcome::RetryAfter(7s, "HTTP 429"));
    auto dispatcher = Make(Options());
    dispatcher->RunOnce();
    CHECK(Rows(OutboxStatus::kPending).at(0).next_attempt_at == clock.Now() + 7s);
    clock.Advance(6999ms);
    CHECK(dispatcher->RunOnce().claimed == 0);
    clock.Advance(1ms);
    CHECK(dispatcher->RunOnce().sent == 1);
    CHECK(Sends("retry_after") == 1);
}

TEST_CASE_METHOD(DispatcherFixture, "a message that keeps failing ends dead, and others go on",
                 "[dispatcher]") {
    Enqueue("A", "doomed");
    Enqueue("A", "after");
    for (int i = 0; i < 3; ++i) sender.Then(SendOutcome::Transient("timeout"));
    auto options = Options();
    options.base_backoff = 1s;
    auto dispatcher = Make(options);
    for (int i = 0; i < 4; ++i) {
        dispatcher->RunOnce();
        clock.Advance(1h);
    }
    const auto dead = Rows(OutboxStatus::kDead);
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].body == "doomed");
    CHECK(dead[0].attempts == 3);
    CHECK(dead[0].last_error.find("timeout") != std::string::npos);
    CHECK(Rows(OutboxStatus::kSent).at(0).body == "after");
}

TEST_CASE_METHOD(DispatcherFixture, "a rejected message is dead at once", "[dispatcher]") {
    Enqueue("A", "bad");
    sender.Then(SendOutcome::Permanent("HTTP 400: can't parse entities"));
    auto dispatcher = Make(Options());
    CHECK(dispatcher->RunOnce().dead == 1);
    CHECK(Rows(OutboxStatus::kDead).at(0).last_error == "HTTP 400: can't parse entities");
    CHECK(sender.Bodies().size() == 1);
}

TEST_CASE_METHOD(DispatcherFixture, "a chat that blocked the bot gets nothing more",
                 "[dispatcher]") {
    Enqueue("A", "a1");
    Enqueue("A", "a2");
    Enqueue("B", "b1");
    sender.Then(SendOutcome::Blocked("HTTP 403: bot was blocked by the user"));
    auto dispatcher = Make(Options());
    dispatcher->RunOnce();  // a1 → blocked; b1 sent
    dispatcher->RunOnce();  // a2 → dead without a send
    CHECK(sender.Bodies() == std::vector<std::string>{"a1", "b1"});
    CHECK(Rows(OutboxStatus::kDead).size() == 2);
    CHECK(store->Read([](UnitOfWork& u) { return core::IsChatBlocked(u, "telegram", "A"); }));

    // When the user comes back (the transport clears the mark), sending resumes.
    store->Write(
        [&](UnitOfWork& u) { core::SetChatBlocked(u, "telegram", "A", false, clock.Now()); });
    Enqueue("A", "a3");
    CHECK(dispatcher->RunOnce().sent == 1);
}

TEST_CASE_METHOD(DispatcherFixture, "sends are paced per chat and overall", "[dispatcher]") {
    auto options = Options();
    options.chat_rate = 1;
    options.chat_burst = 2;
    auto dispatcher = Make(options);
    for (const char* body : {"a1", "a2", "a3"}) Enqueue("A", body);
    dispatcher->RunOnce();
    dispatcher->RunOnce();
    CHECK(dispatcher->RunOnce().retried == 1);  // the burst is spent: a3 deferred
    CHECK(Rows(OutboxStatus::kPending).at(0).next_attempt_at == clock.Now() + 1s);
    clock.Advance(1s);
    CHECK(dispatcher->RunOnce().sent == 1);
    CHECK(Sends("deferred") == 1);

    // Overall: 2 per second with a burst of 2; the third send waits 500 ms.
    auto global = Options("w2");
    global.global_rate = 2;
    global.global_burst = 2;
    auto paced = Make(global);
    for (const char* chat : {"X", "Y", "Z"}) Enqueue(chat, chat);
    CHECK(paced->RunOnce().sent == 3);
    CHECK(waits == std::vector<core::Millis>{500ms});
}

TEST_CASE_METHOD(DispatcherFixture, "two dispatchers on one outbox never send a message twice",
                 "[dispatcher]") {
    constexpr int kChats = 20;
    constexpr int kPerChat = 5;
    for (int m = 0; m < kPerChat; ++m) {
        for (int c = 0; c < kChats; ++c)
            Enqueue("c" + std::to_string(c), std::to_string(c) + ":" + std::to_string(m));
    }
    auto other_store = OpenAnother();
    auto one = Make(Options("w1"));
    OutboxDispatcher two(*other_store, sender, clock, Options("w2"), &metrics);
    auto drain = [](OutboxDispatcher& d) {
        for (int idle = 0; idle < 3;) idle = d.RunOnce().claimed == 0 ? idle + 1 : 0;
    };
    RunConcurrently([&] { drain(*one); }, [&] { drain(two); });

    const auto bodies = sender.Bodies();
    CHECK(bodies.size() == kChats * kPerChat);
    CHECK(std::set<std::string>(bodies.begin(), bodies.end()).size() == bodies.size());
    // Per chat, in the order enqueued.
    std::map<std::string, int> next;
    for (const std::string& body : bodies) {
        const auto colon = body.find(':');
        const std::string chat = body.substr(0, colon);
        CHECK(std::stoi(body.substr(colon + 1)) == next[chat]++);
    }
}

}  // namespace
}  // namespace bookbot::testing
