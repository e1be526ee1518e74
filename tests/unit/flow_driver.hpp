#pragma once

// Drives the engine the way a chat platform does, on a real SQLite store (a
// temp file per test) and a clock that only moves when the test says so. A
// `ChatUser` remembers what the bot last showed it, so tests read like a
// conversation: Say("/start"), Press("Book an appointment"), …

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "bookbot/backends/open_store.hpp"
#include "bookbot/core/business.hpp"
#include "bookbot/core/engine.hpp"
#include "fixed_clock.hpp"
#include "test_database.hpp"

namespace Catch {
// Contexts print as {key: value, …} in failed assertions.
template <>
struct StringMaker<bookbot::core::Context> {
    static std::string convert(const bookbot::core::Context& context) {
        std::string out = "{";
        for (const auto& [k, v] : context) out += (out.size() > 1 ? ", " : "") + k + ": " + v;
        return out + "}";
    }
};
}  // namespace Catch

namespace bookbot::testing {

using namespace std::chrono_literals;

// Monday 2026-03-02, 08:00 in Berlin (07:00 UTC): the demo shop opens at 09:00.
inline const core::TimePoint kMonday0800 = core::FromEpochMillis(1772434800000);

// The instant of a local Berlin wall-clock time in early March 2026 (CET, UTC+1),
// given as days after Monday 2026-03-02 and the local hour and minute.
inline core::TimePoint BerlinTime(int days_after_monday, int hour, int minute = 0) {
    return kMonday0800 + std::chrono::days(days_after_monday) + std::chrono::hours(hour - 8) +
           std::chrono::minutes(minute);
}

// The demo barber shop with one chair, so that a time is either free or taken.
inline core::Business OneChairShop() {
    core::Business b = core::DemoBusiness();
    b.rules.resources = 1;
    return b;
}

// A store, a clock and an engine, for one test.
class Bot {
public:
    // On SQLite, or with `backend` "" on the test run's backend (BOOKBOT_TEST_BACKEND).
    explicit Bot(core::Business business = OneChairShop(), const std::string& backend = "sqlite")
        : db_(backend.empty() ? TestDatabase::Create() : TestDatabase::Create(backend)),
          store_(backends::OpenStore(db_->Url())),
          business_(std::move(business)),
          engine_(*store_, business_, clock_) {
        core::Validate(business_);
        store_->Migrate(kMonday0800);
    }

    core::Engine& engine() { return engine_; }
    core::Store& store() { return *store_; }
    FixedClock& clock() { return clock_; }
    const core::Business& business() const { return business_; }
    std::string NextExternalId() { return "update-" + std::to_string(++updates_); }

    // Confirmed bookings starting in the coming year, by start.
    std::vector<core::Booking> Bookings() {
        std::vector<core::Booking> out;
        store_->Read([&](core::UnitOfWork& u) {
            out = u.BookingsBetween(kMonday0800 - 24h, kMonday0800 + 24h * 365);
        });
        return out;
    }
    std::vector<core::OccupiedCell> Cells() {
        std::vector<core::OccupiedCell> out;
        store_->Read([&](core::UnitOfWork& u) {
            out = u.OccupiedCells(kMonday0800 - 24h, kMonday0800 + 24h * 365);
        });
        return out;
    }
    std::int64_t OutboxSize() {
        std::int64_t n = 0;
        store_->Read([&](core::UnitOfWork& u) {
            for (auto s : {core::OutboxStatus::kPending, core::OutboxStatus::kSent,
                           core::OutboxStatus::kDead}) {
                n += u.CountOutbox(s);
            }
        });
        return n;
    }

private:
    std::unique_ptr<TestDatabase> db_;
    std::unique_ptr<core::Store> store_;
    FixedClock clock_{kMonday0800};
    core::Business business_;
    core::Engine engine_;
    int updates_ = 0;
};

// One customer on the "telegram" platform.
class ChatUser {
public:
    ChatUser(Bot& bot, std::string id) : bot_(bot), id_(std::move(id)) {}

    core::SessionKey key() const { return {"telegram", id_}; }

    // Sends typed text; returns what the bot answered.
    const std::vector<core::Reply>& Say(const std::string& text) {
        return Send(core::Inbound::Kind::kText, text);
    }
    // Presses the button labelled `label` in the last message that had buttons.
    const std::vector<core::Reply>& Press(const std::string& label) {
        return PressPayload(PayloadOf(Keyboard(), label));
    }
    const std::vector<core::Reply>& PressPayload(const std::string& payload) {
        return Send(core::Inbound::Kind::kButton, payload);
    }
    // The payload of the button labelled `label` on the current keyboard, to
    // press later (as a stale button) or to replay.
    std::string PayloadOf(const std::string& label) const { return PayloadOf(Keyboard(), label); }

    // Sends one update as is: for replays and odd kinds.
    core::HandleResult Send(const core::Inbound& in) {
        core::HandleResult result = bot_.engine().Handle(in);
        if (!result.duplicate) {
            last_ = result.replies;
            for (const auto& r : last_) {
                if (!r.keyboard.empty()) keyboard_ = r.keyboard;
            }
        }
        return result;
    }
    core::Inbound MakeInbound(core::Inbound::Kind kind, const std::string& payload) {
        core::Inbound in;
        in.platform = "telegram";
        in.external_id = bot_.NextExternalId();
        in.user_id = id_;
        in.chat_id = "chat-" + id_;
        in.kind = kind;
        in.payload = payload;
        in.at = bot_.clock().Now();
        return in;
    }

    // What the last update got back: every reply, then the texts joined.
    const std::vector<core::Reply>& Replies() const { return last_; }
    std::string Texts() const {
        std::string all;
        for (const auto& r : last_) all += (all.empty() ? "" : "\n") + r.text;
        return all;
    }
    // The last reply's text: the step the user is on now.
    std::string Screen() const { return last_.empty() ? "" : last_.back().text; }
    // The labels of the current keyboard, row by row.
    std::vector<std::string> Labels() const {
        std::vector<std::string> labels;
        for (const auto& row : Keyboard()) {
            for (const auto& b : row) labels.push_back(b.label);
        }
        return labels;
    }
    bool HasButton(const std::string& label) const {
        const auto labels = Labels();
        return std::find(labels.begin(), labels.end(), label) != labels.end();
    }

    core::Session Session() {
        core::SessionLookup lookup;
        bot_.store().Read(
            [&](core::UnitOfWork& u) { lookup = u.LoadSession(key(), bot_.clock().Now()); });
        REQUIRE(lookup.session);
        return *lookup.session;
    }
    std::string Step() { return Session().context["step"]; }
    // The session's choices: its context without keys that hold nothing.
    core::Context Choices() {
        core::Context choices;
        for (const auto& [k, v] : Session().context) {
            if (!v.empty()) choices[k] = v;
        }
        return choices;
    }

    std::vector<core::Booking> Upcoming() {
        std::vector<core::Booking> out;
        bot_.store().Read(
            [&](core::UnitOfWork& u) { out = u.UpcomingBookings(key(), bot_.clock().Now()); });
        return out;
    }

private:
    const std::vector<core::Reply>& Send(core::Inbound::Kind kind, const std::string& payload) {
        Send(MakeInbound(kind, payload));
        return last_;
    }
    const std::vector<std::vector<core::Button>>& Keyboard() const { return keyboard_; }
    static std::string PayloadOf(const std::vector<std::vector<core::Button>>& keyboard,
                                 const std::string& label) {
        std::string labels;
        for (const auto& row : keyboard) {
            for (const auto& b : row) {
                if (b.label == label) return b.payload;
                labels += " [" + b.label + "]";
            }
        }
        FAIL("no button labelled '" << label << "'; the keyboard has:" << labels);
        return "";
    }

    Bot& bot_;
    std::string id_;
    std::vector<core::Reply> last_;
    std::vector<std::vector<core::Button>> keyboard_;
};

// Books through the chat from wherever `user` is: /start, Book, then the
// buttons labelled `service`, `day` and `time`, then Yes.
inline void BookThroughChat(ChatUser& user, const std::string& service, const std::string& day,
                            const std::string& time) {
    user.Say("/start");
    user.Press("Book an appointment");
    user.Press(service);
    user.Press(day);
    user.Press(time);
    user.Press("Yes");
    INFO(user.Texts());
    REQUIRE(user.Replies().front().text.rfind("Booked: ", 0) == 0);
}

}  // namespace bookbot::testing
