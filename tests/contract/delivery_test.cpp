// Delivery reports (WhatsApp statuses[]) recorded against the outbox rows
// they name: UnitOfWork::SetPlatformMessageIds, RecordDelivery,
// ListFailedDeliveries, and the dispatcher storing the platform's id.

#include "bookbot/core/delivery_reports.hpp"
#include "bookbot/core/update_metrics.hpp"
#include "dispatcher_fixture.hpp"

namespace bookbot::testing {
namespace {

using core::DeliveryReport;
using core::DeliveryStatus;
using core::DeliveryUpdate;
using core::OutboxMessage;
using core::OutboxStatus;
using core::UnitOfWork;

// Two WhatsApp messages sent (wamid.A, wamid.B), one still pending, and a
// Telegram message sent whose platform id happens to read "wamid.A".
struct SentFixture : StoreFixture {
    std::int64_t a = 0, b = 0, pending = 0, other = 0;

    SentFixture() {
        store->Write([&](UnitOfWork& u) {
            a = u.Enqueue("whatsapp", "31600000001", "a", kT0);
            b = u.Enqueue("whatsapp", "31600000002", "b", kT0);
            pending = u.Enqueue("whatsapp", "31600000001", "a2", kT0);
            other = u.Enqueue("telegram", "42", "t", kT0);
        });
        store->Write([&](UnitOfWork& u) {
            const auto claimed = u.ClaimOutbox("w", "whatsapp", kT0, 30s, 10);
            REQUIRE(claimed.size() == 2);
            REQUIRE(u.ClaimOutbox("w", "telegram", kT0, 30s, 10).size() == 1);
            CHECK(u.MarkSentMany({a, b, other}, "w", kT0 + 1s).empty());
            CHECK(u.SetPlatformMessageIds(
                      {{a, "wamid.A"}, {b, "wamid.B"}, {pending, "wamid.P"}, {other, "wamid.A"}}) ==
                  3);  // the pending one is not sent: left alone
        });
    }
    DeliveryUpdate Report(const std::string& id, DeliveryStatus status, core::TimePoint at,
                          const std::string& error = {}, const std::string& platform = "whatsapp") {
        return store->Write([&](UnitOfWork& u) {
            return u.RecordDelivery(platform, DeliveryReport{id, status, error, at});
        });
    }
    OutboxMessage Row(std::int64_t id) {
        for (OutboxStatus s : {OutboxStatus::kSent, OutboxStatus::kPending}) {
            for (const OutboxMessage& m :
                 store->Read([&](UnitOfWork& u) { return u.ListOutbox(s, 100); })) {
                if (m.id == id) return m;
            }
        }
        FAIL("no outbox row " << id);
        return {};
    }
};

TEST_CASE_METHOD(SentFixture, "a sent message keeps the platform's id; nothing reported yet",
                 "[delivery]") {
    const OutboxMessage m = Row(a);
    CHECK(m.platform_message_id == "wamid.A");
    CHECK_FALSE(m.delivery_status.has_value());
    CHECK(m.delivery_error.empty());
    CHECK_FALSE(m.delivery_updated_at.has_value());
    CHECK(Row(pending).platform_message_id.empty());
    CHECK(store->Write([](UnitOfWork& u) { return u.SetPlatformMessageIds({}); }) == 0);
}

TEST_CASE_METHOD(SentFixture, "statuses only move forward: sent < delivered < read", "[delivery]") {
    CHECK(Report("wamid.A", DeliveryStatus::kDelivered, kT0 + 5s) == DeliveryUpdate::kRecorded);
    // Late and repeated reports change nothing.
    CHECK(Report("wamid.A", DeliveryStatus::kSent, kT0 + 3s) == DeliveryUpdate::kStale);
    CHECK(Report("wamid.A", DeliveryStatus::kDelivered, kT0 + 6s) == DeliveryUpdate::kStale);
    OutboxMessage m = Row(a);
    CHECK(m.delivery_status == DeliveryStatus::kDelivered);
    CHECK(m.delivery_updated_at == kT0 + 5s);
    CHECK(Report("wamid.A", DeliveryStatus::kRead, kT0 + 9s) == DeliveryUpdate::kRecorded);
    CHECK(Report("wamid.A", DeliveryStatus::kDelivered, kT0 + 10s) == DeliveryUpdate::kStale);
    m = Row(a);
    CHECK(m.delivery_status == DeliveryStatus::kRead);
    CHECK(m.delivery_updated_at == kT0 + 9s);
    CHECK(m.status == OutboxStatus::kSent);
    // The Telegram row with the same platform id is another platform's.
    CHECK_FALSE(Row(other).delivery_status.has_value());
    CHECK_FALSE(Row(b).delivery_status.has_value());
}

TEST_CASE_METHOD(SentFixture, "failed is final and keeps the platform's error", "[delivery]") {
    CHECK(Report("wamid.B", DeliveryStatus::kSent, kT0 + 2s) == DeliveryUpdate::kRecorded);
    const std::string error = "131047 Re-engagement message: more than 24 hours have passed";
    CHECK(Report("wamid.B", DeliveryStatus::kFailed, kT0 + 4s, error) == DeliveryUpdate::kRecorded);
    CHECK(Report("wamid.B", DeliveryStatus::kDelivered, kT0 + 3s) == DeliveryUpdate::kStale);
    CHECK(Report("wamid.B", DeliveryStatus::kFailed, kT0 + 7s, "another") ==
          DeliveryUpdate::kStale);
    const OutboxMessage m = Row(b);
    CHECK(m.delivery_status == DeliveryStatus::kFailed);
    CHECK(m.delivery_error == error);
    CHECK(m.delivery_updated_at == kT0 + 4s);
    store->Read([&](UnitOfWork& u) {
        CHECK(u.CountFailedDeliveries() == 1);
        const auto failed = u.ListFailedDeliveries(10);
        REQUIRE(failed.size() == 1);
        CHECK(failed[0].id == b);
        CHECK(failed[0].delivery_error == error);
        CHECK(u.ListFailedDeliveries(0).empty());
    });
}

TEST_CASE_METHOD(SentFixture, "a report naming no known message writes nothing", "[delivery]") {
    CHECK(Report("wamid.NOBODY", DeliveryStatus::kFailed, kT0, "x") == DeliveryUpdate::kUnknown);
    CHECK(Report("wamid.P", DeliveryStatus::kDelivered, kT0) == DeliveryUpdate::kUnknown);
    CHECK(Report("wamid.B", DeliveryStatus::kRead, kT0, {}, "signal") == DeliveryUpdate::kUnknown);
    CHECK(store->Read([](UnitOfWork& u) { return u.CountFailedDeliveries(); }) == 0);
    CHECK_FALSE(Row(b).delivery_status.has_value());
}

TEST_CASE_METHOD(SentFixture, "one request's reports are one unit, tallied and counted",
                 "[delivery]") {
    core::Metrics metrics;
    core::DeclareUpdateMetrics(metrics);
    const auto tally = core::RecordDeliveries(
        *store, "whatsapp",
        {{"wamid.A", DeliveryStatus::kDelivered, {}, kT0 + 2s},
         {"wamid.A", DeliveryStatus::kSent, {}, kT0 + 1s},
         {"wamid.B", DeliveryStatus::kFailed, "131026 Message undeliverable", kT0 + 2s},
         {"wamid.ZZZ", DeliveryStatus::kRead, {}, kT0 + 2s}},
        kT0 + 3s, &metrics);
    CHECK(tally.recorded == 2);
    CHECK(tally.stale == 1);
    CHECK(tally.held == 1);  // wamid.ZZZ: not known (yet)
    CHECK(tally.unknown == 0);
    CHECK(metrics.Value("bookbot_delivery_reports_total",
                        {{"transport", "whatsapp"}, {"status", "read"}, {"outcome", "held"}}) == 1);
    CHECK(Row(b).delivery_error == "131026 Message undeliverable");
}

TEST_CASE_METHOD(DispatcherFixture, "the dispatcher stores the id the platform gave a message",
                 "[delivery][dispatcher]") {
    Enqueue("A", "a1");
    Enqueue("B", "b1");
    sender.Then(SendOutcome::Sent("123"));
    sender.Then(SendOutcome::Sent());  // the platform did not say
    auto dispatcher = Make(Options());
    CHECK(dispatcher->RunOnce().sent == 2);
    const auto sent = Rows(OutboxStatus::kSent);
    REQUIRE(sent.size() == 2);
    CHECK(sent[0].platform_message_id == "123");
    CHECK(sent[1].platform_message_id.empty());
    const auto update = store->Write([](UnitOfWork& u) {
        return u.RecordDelivery("telegram", {"123", DeliveryStatus::kDelivered, {}, kT0});
    });
    CHECK(update == DeliveryUpdate::kRecorded);
}

}  // namespace
}  // namespace bookbot::testing
