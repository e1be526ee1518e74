#include <set>

#include "fixture.hpp"

namespace bookbot::testing {
namespace {

using core::OutboxMessage;
using core::OutboxStatus;
using core::UnitOfWork;

std::vector<OutboxMessage> Claim(core::Store& store, const std::string& worker, core::TimePoint now,
                                 std::int64_t limit = 10) {
    std::vector<OutboxMessage> claimed;
    store.Write(
        [&](UnitOfWork& u) { claimed = u.ClaimOutbox(worker, "telegram", now, 30s, limit); });
    return claimed;
}

std::vector<std::string> Bodies(const std::vector<OutboxMessage>& messages) {
    std::vector<std::string> bodies;
    for (const auto& m : messages) bodies.push_back(m.body);
    return bodies;
}

struct OutboxFixture : StoreFixture {
    OutboxFixture() {
        store->Write([&](UnitOfWork& u) {
            u.Enqueue("telegram", "A", "a1", kT0);
            u.Enqueue("telegram", "A", "a2", kT0);
            u.Enqueue("telegram", "B", "b1", kT0 + 1s);
            u.Enqueue("whatsapp", "A", "w1", kT0);  // another platform's dispatcher takes it
        });
    }
};

TEST_CASE_METHOD(OutboxFixture, "a chat's messages are claimed in order, one at a time",
                 "[outbox]") {
    const auto first = Claim(*store, "w1", kT0 + 1s);
    CHECK(Bodies(first) == std::vector<std::string>{"a1", "b1"});
    CHECK(first[0].attempts == 1);
    CHECK(first[0].chat_id == "A");
    CHECK(Claim(*store, "w2", kT0 + 2s).empty());  // a2 waits for a1; the rest are claimed

    store->Write([&](UnitOfWork& u) { CHECK(u.MarkSent(first[0].id, "w1", kT0 + 3s)); });
    CHECK(Bodies(Claim(*store, "w2", kT0 + 3s)) == std::vector<std::string>{"a2"});
    store->Read([&](UnitOfWork& u) {
        CHECK(u.CountOutbox(OutboxStatus::kPending) == 3);
        const auto sent = u.ListOutbox(OutboxStatus::kSent, 10);
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].sent_at == kT0 + 3s);
    });
}

TEST_CASE_METHOD(OutboxFixture, "an expired claim passes to another worker", "[outbox]") {
    const auto claimed = Claim(*store, "w1", kT0 + 1s, 1);
    REQUIRE(Bodies(claimed) == std::vector<std::string>{"a1"});
    // w1 went quiet; after its 30 s lease, w2 takes a1 over.
    const auto taken = Claim(*store, "w2", kT0 + 31s, 1);
    REQUIRE(Bodies(taken) == std::vector<std::string>{"a1"});
    CHECK(taken[0].attempts == 2);
    store->Write([&](UnitOfWork& u) {
        CHECK_FALSE(u.MarkSent(claimed[0].id, "w1", kT0 + 32s));  // no longer w1's
        CHECK(u.MarkSent(claimed[0].id, "w2", kT0 + 32s));
    });
}

TEST_CASE_METHOD(OutboxFixture, "a batch is marked sent at once, except what another took",
                 "[outbox]") {
    store->Write([&](UnitOfWork& u) { u.Enqueue("telegram", "C", "c1", kT0); });
    const auto claimed = Claim(*store, "w1", kT0 + 1s);
    REQUIRE(Bodies(claimed) == std::vector<std::string>{"a1", "c1", "b1"});
    // w1 stalled past its 30 s lease, and w2 took a1 over.
    const auto taken = Claim(*store, "w2", kT0 + 31s, 1);
    REQUIRE(Bodies(taken) == std::vector<std::string>{"a1"});
    const std::int64_t a1 = claimed[0].id, c1 = claimed[1].id, b1 = claimed[2].id;
    store->Write([&](UnitOfWork& u) {
        CHECK(u.MarkSentMany({}, "w1", kT0 + 32s).empty());
        CHECK(u.MarkSentMany({c1, a1, b1, c1}, "w1", kT0 + 32s) == std::vector<std::int64_t>{a1});
        // Already sent: no longer held by anyone.
        CHECK(u.MarkSentMany({c1}, "w1", kT0 + 33s) == std::vector<std::int64_t>{c1});
    });
    store->Read([&](UnitOfWork& u) {
        const auto sent = u.ListOutbox(OutboxStatus::kSent, 10);
        REQUIRE(Bodies(sent) == std::vector<std::string>{"b1", "c1"});
        CHECK(sent[0].sent_at == kT0 + 32s);
        CHECK(sent[1].sent_at == kT0 + 32s);
        CHECK(u.CountOutbox(OutboxStatus::kPending) == 3);  // a1 (w2's), a2, w1
    });
    store->Write([&](UnitOfWork& u) { CHECK(u.MarkSentMany({a1}, "w2", kT0 + 34s).empty()); });
}

TEST_CASE_METHOD(StoreFixture, "a large batch is claimed and marked sent whole", "[outbox]") {
    constexpr int kChats = 1200;  // more ids than one statement takes
    store->Write([&](UnitOfWork& u) {
        for (int i = 0; i < kChats; ++i) u.Enqueue("telegram", std::to_string(i), "m", kT0);
    });
    const auto claimed = Claim(*store, "w", kT0, kChats);
    REQUIRE(claimed.size() == kChats);
    std::vector<std::int64_t> ids;
    for (const auto& m : claimed) ids.push_back(m.id);
    store->Write([&](UnitOfWork& u) { CHECK(u.MarkSentMany(ids, "w", kT0).empty()); });
    CHECK(store->Read([](UnitOfWork& u) { return u.CountOutbox(OutboxStatus::kSent); }) == kChats);
}

TEST_CASE_METHOD(OutboxFixture, "retries wait, and dead messages stop the line no more",
                 "[outbox]") {
    const auto claimed = Claim(*store, "w1", kT0 + 1s, 1);
    REQUIRE(claimed.size() == 1);
    store->Write(
        [&](UnitOfWork& u) { CHECK(u.MarkRetry(claimed[0].id, "w1", kT0 + 10s, "HTTP 500")); });
    CHECK(Bodies(Claim(*store, "w1", kT0 + 9s)) == std::vector<std::string>{"b1"});
    const auto again = Claim(*store, "w1", kT0 + 10s);
    REQUIRE(Bodies(again) == std::vector<std::string>{"a1"});
    CHECK(again[0].last_error == "HTTP 500");
    store->Write([&](UnitOfWork& u) { CHECK(u.MarkDead(again[0].id, "w1", "HTTP 400")); });
    store->Read([&](UnitOfWork& u) {
        const auto dead = u.ListOutbox(OutboxStatus::kDead, 10);
        REQUIRE(dead.size() == 1);
        CHECK(dead[0].body == "a1");
        CHECK(dead[0].last_error == "HTTP 400");
        CHECK(u.CountOutbox(OutboxStatus::kDead) == 1);
    });
    CHECK(Bodies(Claim(*store, "w1", kT0 + 11s)) == std::vector<std::string>{"a2"});
}

TEST_CASE_METHOD(StoreFixture, "concurrent claimers never share a message", "[outbox][race]") {
    constexpr int kChats = 60;
    store->Write([&](UnitOfWork& u) {
        for (int i = 0; i < kChats; ++i) u.Enqueue("telegram", std::to_string(i), "m", kT0);
    });
    auto other = OpenAnother();
    std::vector<OutboxMessage> got_a, got_b;
    auto drain = [&](core::Store& s, const std::string& worker, std::vector<OutboxMessage>& got) {
        for (int round = 0; round < 40; ++round) {
            core::RunWithRetry(s, [&](UnitOfWork& u) {
                auto claimed = u.ClaimOutbox(worker, "telegram", kT0, 60s, 4);
                got.insert(got.end(), claimed.begin(), claimed.end());
            });
        }
    };
    RunConcurrently([&] { drain(*store, "a", got_a); }, [&] { drain(*other, "b", got_b); });
    std::set<std::int64_t> ids;
    for (const auto& m : got_a) ids.insert(m.id);
    for (const auto& m : got_b) CHECK(ids.insert(m.id).second);
    CHECK(ids.size() == kChats);
}

TEST_CASE_METHOD(OutboxFixture, "one chat's messages can be claimed alone, in order", "[outbox]") {
    const auto claim = [&](const std::string& worker, const std::string& chat) {
        return store->Write([&](UnitOfWork& u) {
            return u.ClaimChatOutbox(worker, "telegram", chat, kT0 + 1s, 30s);
        });
    };
    const auto a1 = claim("w1", "A");
    REQUIRE(a1);
    CHECK(a1->body == "a1");
    CHECK_FALSE(claim("w2", "A"));  // a2 waits behind a1's live claim
    const auto b1 = claim("w2", "B");
    REQUIRE(b1);
    CHECK(b1->body == "b1");
    store->Write([&](UnitOfWork& u) { u.MarkSent(a1->id, "w1", kT0 + 1s); });
    CHECK(claim("w2", "A")->body == "a2");
    CHECK_FALSE(claim("w2", "nobody"));
}

}  // namespace
}  // namespace bookbot::testing
