// Delivery reports that overtake "sent": a status naming a message whose
// platform id the dispatcher has not committed yet is held
// (UnitOfWork::HoldDelivery), applied in the unit that stores the id
// (SetPlatformMessageIds), reconciled and swept (ReconcileHeldDeliveries).

#include "bookbot/core/delivery_reports.hpp"
#include "dispatcher_fixture.hpp"

namespace bookbot::testing {
namespace {

using core::DeliveryReport;
using core::DeliveryStatus;
using core::OutboxMessage;

constexpr const char* kUndeliverable = "131026 Message undeliverable";

// One message claimed and in flight: the platform has it, the store not yet.
struct InFlightFixture : StoreFixture {
    std::int64_t id = 0;

    InFlightFixture() {
        store->Write([&](UnitOfWork& u) { id = u.Enqueue("whatsapp", "31600000001", "a", kT0); });
        store->Write([&](UnitOfWork& u) {
            REQUIRE(u.ClaimOutbox("w", "whatsapp", kT0, 30s, 10).size() == 1);
        });
    }
    core::DeliveryTally Report(const std::string& wamid, DeliveryStatus status, core::TimePoint now,
                               const std::string& error = {}) {
        return core::RecordDeliveries(*store, "whatsapp", {{wamid, status, error, now - 1s}}, now,
                                      nullptr);
    }
    // What the dispatcher does once the send answered: sent + the id, one unit.
    void CommitSent(const std::string& wamid) {
        store->Write([&](UnitOfWork& u) {
            CHECK(u.MarkSentMany({id}, "w", kT0 + 2s).empty());
            CHECK(u.SetPlatformMessageIds({{id, wamid}}) == 1);
        });
    }
    OutboxMessage Row() {
        for (const OutboxMessage& m : store->Read(
                 [&](UnitOfWork& u) { return u.ListOutbox(core::OutboxStatus::kSent, 100); })) {
            if (m.id == id) return m;
        }
        FAIL("outbox row " << id << " is not sent");
        return {};
    }
    std::int64_t Held() {
        return store->Read([](UnitOfWork& u) { return u.CountRows("held_delivery_reports"); });
    }
};

TEST_CASE_METHOD(InFlightFixture, "a failure reported before sent is applied when the id is stored",
                 "[delivery][held]") {
    const auto tally = Report("wamid.X", DeliveryStatus::kFailed, kT0 + 1s, kUndeliverable);
    CHECK(tally.held == 1);
    CHECK(tally.unknown == 0);
    // Delivered again by the platform: held once.
    CHECK(Report("wamid.X", DeliveryStatus::kFailed, kT0 + 1s, kUndeliverable).held == 1);
    CHECK(Report("wamid.X", DeliveryStatus::kSent, kT0 + 1s).held == 1);
    CHECK(Held() == 2);
    CHECK(store->Read([](UnitOfWork& u) { return u.CountFailedDeliveries(); }) == 0);

    CommitSent("wamid.X");
    const OutboxMessage m = Row();
    CHECK(m.delivery_status == DeliveryStatus::kFailed);  // final, over the held "sent"
    CHECK(m.delivery_error == kUndeliverable);
    CHECK(m.delivery_updated_at == kT0);  // when the platform said it happened
    CHECK(Held() == 0);
    store->Read([&](UnitOfWork& u) {
        CHECK(u.CountFailedDeliveries() == 1);
        REQUIRE(u.ListFailedDeliveries(10).size() == 1);
        CHECK(u.ListFailedDeliveries(10)[0].id == id);
    });
}

TEST_CASE_METHOD(InFlightFixture, "a held report does not undo a later one", "[delivery][held]") {
    CHECK(Report("wamid.X", DeliveryStatus::kSent, kT0 + 1s).held == 1);
    CommitSent("wamid.X");
    CHECK(Row().delivery_status == DeliveryStatus::kSent);
    CHECK(Report("wamid.X", DeliveryStatus::kRead, kT0 + 5s).recorded == 1);
    CHECK(Report("wamid.X", DeliveryStatus::kDelivered, kT0 + 6s).stale == 1);
    CHECK(Row().delivery_status == DeliveryStatus::kRead);
    CHECK(Held() == 0);
}

TEST_CASE_METHOD(InFlightFixture, "a held report of another platform or message stays held",
                 "[delivery][held]") {
    CHECK(core::RecordDeliveries(*store, "telegram", {{"wamid.X", DeliveryStatus::kRead, {}, kT0}},
                                 kT0, nullptr)
              .held == 1);
    CHECK(Report("wamid.Y", DeliveryStatus::kRead, kT0 + 1s).held == 1);
    CommitSent("wamid.X");
    CHECK_FALSE(Row().delivery_status.has_value());
    CHECK(Held() == 2);
}

TEST_CASE_METHOD(InFlightFixture,
                 "a report held in a unit that raced the id's is applied by the next reports",
                 "[delivery][held]") {
    CommitSent("wamid.X");
    // On PostgreSQL the webhook's unit can miss the id while the dispatcher's
    // misses the held report; this holds it as that race leaves it.
    store->Write([](UnitOfWork& u) {
        CHECK(u.HoldDelivery("whatsapp", {"wamid.X", DeliveryStatus::kFailed, "131047 x", kT0},
                             kT0 + 1s, 10));
    });
    CHECK_FALSE(Row().delivery_status.has_value());
    const auto tally = Report("wamid.OTHER", DeliveryStatus::kRead, kT0 + 2s);
    CHECK(tally.reconciled.applied == 1);
    CHECK(Row().delivery_status == DeliveryStatus::kFailed);
    CHECK(Row().delivery_error == "131047 x");
    CHECK(Held() == 1);  // wamid.OTHER
}

TEST_CASE_METHOD(StoreFixture, "held reports are bounded in number and in age",
                 "[delivery][held]") {
    const auto hold = [&](const std::string& wamid, core::TimePoint now) {
        return store->Write([&](UnitOfWork& u) {
            return u.HoldDelivery("whatsapp", {wamid, DeliveryStatus::kSent, {}, now}, now, 3);
        });
    };
    CHECK(hold("wamid.1", kT0));
    CHECK(hold("wamid.2", kT0 + 10min));
    CHECK(hold("wamid.3", kT0 + 20min));
    CHECK_FALSE(hold("wamid.4", kT0 + 30min));  // full
    CHECK(hold("wamid.2", kT0 + 30min));        // already held
    const auto swept =
        store->Write([](UnitOfWork& u) { return u.ReconcileHeldDeliveries(kT0 + 10min); });
    CHECK(swept.expired == 1);
    CHECK(swept.applied == 0);
    CHECK(hold("wamid.4", kT0 + 30min));  // room again

    // RecordDeliveries sweeps what is older than kHeldDeliveryMaxAge.
    const auto tally = core::RecordDeliveries(
        *store, "whatsapp", {{"wamid.5", DeliveryStatus::kRead, {}, kT0 + 2h}},
        kT0 + 20min + core::kHeldDeliveryMaxAge + 1ms, nullptr);
    CHECK(tally.reconciled.expired == 2);  // wamid.2 and wamid.3
    CHECK(tally.held == 1);
    CHECK(store->Read([](UnitOfWork& u) { return u.CountRows("held_delivery_reports"); }) == 2);
}

// Answers "sent" only after the platform's status webhook has been handled,
// as WhatsApp may: the report arrives before the dispatcher records "sent".
class OvertakenSender final : public core::OutboxSender {
public:
    explicit OvertakenSender(core::Store& store) : store_(store) {}
    SendOutcome Send(const OutboxMessage& message) override {
        const std::string wamid = "wamid." + std::to_string(message.id);
        const auto tally = core::RecordDeliveries(
            store_, "telegram", {{wamid, DeliveryStatus::kFailed, kUndeliverable, kT0}}, kT0,
            nullptr);
        held += tally.held;
        return SendOutcome::Sent(wamid);
    }
    int held = 0;

private:
    core::Store& store_;
};

TEST_CASE_METHOD(DispatcherFixture, "the dispatcher applies a failure that overtook its send",
                 "[delivery][held][dispatcher]") {
    Enqueue("A", "a1");
    Enqueue("B", "b1");
    OvertakenSender overtaken(*store);
    OutboxDispatcher dispatcher(*store, overtaken, clock, Options(), &metrics, [](core::Millis) {});
    CHECK(dispatcher.RunOnce().sent == 2);
    CHECK(overtaken.held == 2);
    store->Read([](UnitOfWork& u) {
        CHECK(u.CountFailedDeliveries() == 2);
        for (const OutboxMessage& m : u.ListFailedDeliveries(10)) {
            CHECK(m.delivery_error == kUndeliverable);
        }
        CHECK(u.CountRows("held_delivery_reports") == 0);
    });
}

}  // namespace
}  // namespace bookbot::testing
