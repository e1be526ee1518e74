// Random conversations against the engine, on every backend, with invariants
// checked after each step. Several customers press current and stale buttons,
// type anything, send forged button payloads, replay earlier updates, let time
// pass (also past the session TTL), and staff resolve hand-over flags.
//
// Seeds: a few fixed ones, plus BOOKBOT_TEST_SEED if set. A failure names the
// seed, the step and the last actions; BOOKBOT_TEST_SEED=<seed> runs it again.

#include <cstdlib>
#include <deque>
#include <map>
#include <random>
#include <set>

#include "bookbot/core/engine.hpp"
#include "fixed_clock.hpp"
#include "fixture.hpp"

namespace bookbot::testing {
namespace {

using core::Inbound;
using Keyboard = std::vector<std::vector<core::Button>>;

// Monday 2026-03-02, 08:00 in Berlin.
const core::TimePoint kStart = core::FromEpochMillis(1772434800000);
const std::set<std::string> kSteps = {"menu",   "service",        "day",  "time", "confirm", "mine",
                                      "manage", "cancel_confirm", "human"};

// The demo shop, crowded: a short horizon so customers compete for times.
core::Business CrowdedShop() {
    core::Business b = core::DemoBusiness();
    b.rules.horizon_days = 3;
    return b;
}

struct Customer {
    core::SessionKey key;
    Keyboard current;            // the buttons of the newest message that had any
    std::deque<Keyboard> older;  // earlier keyboards, newest last
};

// Everything the invariants look at, read in one unit.
struct Snapshot {
    std::map<std::int64_t, core::Booking> bookings;  // confirmed, by id
    std::vector<core::OccupiedCell> cells;
    std::int64_t outbox = 0;
};

class RandomRun {
public:
    RandomRun(std::uint64_t seed, const std::string& url)
        : rng_(seed), store_(backends::OpenStore(url)), engine_(*store_, shop_, clock_) {
        store_->Migrate(kStart);
        for (const auto& [platform, id] : std::vector<std::pair<std::string, std::string>>{
                 {"telegram", "u0"}, {"telegram", "u1"}, {"telegram", "u2"}, {"whatsapp", "u0"}}) {
            customers_.push_back({{platform, id}, {}, {}});
        }
        before_ = Read();
    }

    // Runs one random step and checks the invariants; returns what broke, or "".
    std::string Step(int n) {
        step_ = n;
        Customer& who = customers_[Pick(customers_.size())];
        const int roll = static_cast<int>(Pick(100));
        if (roll < 6) {
            AdvanceClock();
            return "";
        }
        if (roll < 8) {
            ResolveSomeFlag();
            return "";
        }
        if (roll < 16 && !sent_.empty()) return Replay(sent_[Pick(sent_.size())]);
        return Send(who, MakeUpdate(who, roll));
    }

    std::string Log() const {
        std::string out;
        for (const auto& line : log_) out += line + "\n";
        return out;
    }
    int bookings_made() const { return bookings_made_; }
    int bookings_released() const { return bookings_released_; }
    int times_taken() const { return times_taken_; }

private:
    std::uint64_t Pick(std::uint64_t n) { return rng_() % n; }

    void Note(std::string line) {
        log_.push_back("#" + std::to_string(step_) + " " + std::move(line));
        if (log_.size() > 16) log_.pop_front();
    }

    static std::string RandomButton(const Keyboard& keyboard, std::uint64_t r) {
        std::vector<std::string> payloads;
        for (const auto& row : keyboard) {
            for (const auto& b : row) payloads.push_back(b.payload);
        }
        return payloads.empty() ? "" : payloads[r % payloads.size()];
    }

    // Mostly a button that goes deeper (a service, a day, a time, Yes), so the
    // walk reaches bookings often; sometimes any button (Back, Cancel, paging).
    std::string ForwardButton(const Keyboard& keyboard) {
        static const std::set<std::string> kAround = {"back", "cancel", "menu", "human"};
        std::vector<std::string> forward;
        for (const auto& row : keyboard) {
            for (const auto& b : row) {
                const std::string action = b.payload.substr(b.payload.find('|') + 1);
                if (!kAround.contains(action) && action.rfind("pg:", 0) != 0) {
                    forward.push_back(b.payload);
                }
            }
        }
        if (forward.empty() || Pick(4) == 0) return RandomButton(keyboard, rng_());
        return forward[Pick(forward.size())];
    }

    std::string RandomText() {
        static const std::vector<std::string> kTexts = {"/start",
                                                        "/help",
                                                        "/menu",
                                                        "hello",
                                                        " ",
                                                        "Привет 👋 ¿qué tal?",
                                                        "日本語のテキスト",
                                                        "1",
                                                        "back",
                                                        "0|ok",
                                                        std::string(3000, 'x'),
                                                        "'; DROP TABLE bookings; --"};
        return kTexts[Pick(kTexts.size())];
    }

    // A payload a modified client could send: a current version stamp, and an
    // action the bot never offered. Half of them keep the verb of a button on
    // the customer's keyboard, so they reach the step that handles it.
    std::string ForgedPayload(const Customer& who) {
        std::int64_t version = 0;
        store_->Read([&](core::UnitOfWork& u) {
            if (auto s = u.LoadSession(who.key, clock_.Now()).session) version = s->version;
        });
        const std::string now_ms = std::to_string(core::ToEpochMillis(clock_.Now()));
        std::map<std::string, std::vector<std::string>> args = {
            {"svc", {"nope", "", "CUT"}},
            {"day", {"0000-01-01", "9999-12-31", "2026-02-30", "2026-03-08", "2026-03-02"}},
            {"slot",
             {"9223372036854775807:0", "-9223372036854775807:0", std::to_string(rng_()) + ":1",
              now_ms + ":0", now_ms + "1:0", "1772442000000:99", "1772442000001:0", "x:y"}},
            {"bk", {"-1", "0", "99999999999999"}},
            {"pg", {"-3", "99999999999", "2147483647", "1"}},
        };
        for (const auto& [id, b] : before_.bookings) args["bk"].push_back(std::to_string(id));
        std::string verb;
        const std::string current = RandomButton(who.current, rng_());
        if (const auto bar = current.find('|'); bar != std::string::npos && Pick(2) == 0) {
            verb = current.substr(bar + 1, current.find(':', bar) - bar - 1);
        }
        if (!args.contains(verb)) {
            static const std::vector<std::string> kVerbs = {
                "svc", "day", "slot", "bk", "pg", "ok", "rs", "cx", "book", "mine", "", "|||"};
            verb = kVerbs[Pick(kVerbs.size())];
        }
        const auto it = args.find(verb);
        const std::string action =
            it == args.end() ? verb : verb + ":" + it->second[Pick(it->second.size())];
        return core::Engine::StampPayload(version, action);
    }

    Inbound MakeUpdate(Customer& who, int roll) {
        Inbound in;
        in.platform = who.key.platform;
        in.user_id = who.key.user_id;
        in.chat_id = "chat-" + who.key.user_id;
        in.external_id = "upd-" + std::to_string(step_);
        in.at = clock_.Now();
        in.kind = Inbound::Kind::kButton;
        if (roll < 24 && !who.older.empty()) {
            in.payload = RandomButton(who.older[Pick(who.older.size())], rng_());
            Note("stale button " + in.payload);
        } else if (roll < 28) {
            const Customer& other = customers_[Pick(customers_.size())];
            in.payload = RandomButton(other.current, rng_());
            Note("another customer's button " + in.payload);
        } else if (roll < 34) {
            in.payload = ForgedPayload(who);
            Note("forged " + in.payload);
        } else if (roll < 36) {
            in.kind = Inbound::Kind::kUnsupported;
            in.payload = "sticker";
            Note("unsupported");
        } else if (roll < 50 || who.current.empty()) {
            in.kind = Inbound::Kind::kText;
            in.payload = RandomText();
            Note("text " + in.payload.substr(0, 40));
        } else {
            in.payload = ForwardButton(who.current);
            Note("button " + in.payload);
        }
        if (in.kind == Inbound::Kind::kButton && in.payload.empty()) in.payload = "0|menu";
        Note("  by " + who.key.platform + "/" + who.key.user_id);
        return in;
    }

    void AdvanceClock() {
        const auto r = Pick(100);
        const core::Millis by =
            r < 60   ? core::Millis(std::chrono::minutes(1 + Pick(10)))
            : r < 85 ? core::Millis(shop_.session_ttl + std::chrono::minutes(Pick(30)))
                     : core::Millis(std::chrono::hours(2 + Pick(30)));
        clock_.Advance(by);
        Note("clock +" + std::to_string(by.count() / 1000) + "s");
    }

    void ResolveSomeFlag() {
        store_->Write([&](core::UnitOfWork& u) {
            const auto flags = u.ListOpenFlags(10);
            if (!flags.empty()) u.ResolveFlag(flags[Pick(flags.size())].id, clock_.Now());
        });
        Note("staff resolve a flag");
    }

    Snapshot Read() {
        Snapshot s;
        store_->Read([&](core::UnitOfWork& u) {
            const core::TimePoint all_from = core::FromEpochMillis(0);
            const core::TimePoint all_to = kStart + std::chrono::days(3650);
            for (auto& b : u.BookingsBetween(all_from, all_to)) s.bookings[b.id] = b;
            s.cells = u.OccupiedCells(all_from, all_to);
            for (auto st : {core::OutboxStatus::kPending, core::OutboxStatus::kSent,
                            core::OutboxStatus::kDead}) {
                s.outbox += u.CountOutbox(st);
            }
        });
        return s;
    }

    std::string Replay(const Inbound& in) {
        Note("replay " + in.external_id);
        const Snapshot before = before_;
        core::HandleResult result;
        try {
            result = engine_.Handle(in);
        } catch (const core::StorageError& e) {
            return e.retryable() ? "" : std::string("StorageError on a replay: ") + e.what();
        } catch (const std::exception& e) {
            return std::string("a replay threw: ") + e.what();
        }
        before_ = Read();
        if (!result.duplicate) return "a replayed update was not a duplicate";
        if (!result.replies.empty()) return "a replay answered";
        if (before_.outbox != before.outbox) return "a replay added outbox rows";
        if (before_.bookings != before.bookings) return "a replay changed bookings";
        return CheckBookings();
    }

    std::string Send(Customer& who, const Inbound& in) {
        const Snapshot before = before_;
        core::HandleResult result;
        try {
            result = engine_.Handle(in);
        } catch (const core::StorageError& e) {
            // Documented: the platform delivers the update again. Only a
            // retryable kind is legitimate; the others mean a bug.
            return e.retryable() ? "" : std::string("StorageError: ") + e.what();
        } catch (const std::exception& e) {
            return std::string("Handle threw: ") + e.what();
        }
        sent_.push_back(in);
        if (result.duplicate) return "a new update was taken for a duplicate";
        for (const auto& r : result.replies) {
            if (r.text == shop_.Text("slot_taken")) ++times_taken_;
            if (r.keyboard.empty()) continue;
            if (!who.current.empty()) who.older.push_back(who.current);
            if (who.older.size() > 8) who.older.pop_front();
            who.current = r.keyboard;
        }
        before_ = Read();
        if (before_.outbox != before.outbox + static_cast<std::int64_t>(result.replies.size())) {
            return "the outbox did not grow by the replies";
        }
        if (std::string e = CheckChanges(who, before); !e.empty()) return e;
        if (std::string e = CheckBookings(); !e.empty()) return e;
        return CheckSessionAndReplies(who, in, result);
    }

    // Only the customer who wrote changes bookings, and only theirs, one at a time.
    std::string CheckChanges(const Customer& who, const Snapshot& before) {
        int added = 0;
        int removed = 0;
        for (const auto& [id, b] : before_.bookings) {
            if (before.bookings.contains(id)) continue;
            ++added;
            ++bookings_made_;
            if (b.customer != who.key) return "a booking was made for someone else";
            if (b.starts_at < clock_.Now() + shop_.rules.minimum_notice) {
                return "a booking starts sooner than the minimum notice";
            }
        }
        for (const auto& [id, b] : before.bookings) {
            if (before_.bookings.contains(id)) continue;
            ++removed;
            ++bookings_released_;
            if (b.customer != who.key) return "someone else's booking was cancelled";
            if (b.starts_at - shop_.change_cutoff <= clock_.Now()) {
                return "a booking was changed within the cut-off";
            }
        }
        if (added > 1 || removed > 1) return "one update changed several bookings";
        return "";
    }

    // No two confirmed bookings of a resource overlap, and the cells are
    // exactly those of the confirmed bookings.
    std::string CheckBookings() const {
        std::map<int, std::vector<const core::Booking*>> by_resource;
        std::size_t expected_cells = 0;
        for (const auto& [id, b] : before_.bookings) {
            by_resource[b.resource].push_back(&b);
            expected_cells +=
                core::CellsFor(b.starts_at,
                               std::chrono::ceil<std::chrono::minutes>(b.ends_at - b.starts_at),
                               shop_.rules.slot_step)
                    .size();
        }
        for (auto& [resource, list] : by_resource) {
            std::sort(list.begin(), list.end(),
                      [](auto* a, auto* b) { return a->starts_at < b->starts_at; });
            for (std::size_t i = 1; i < list.size(); ++i) {
                if (list[i - 1]->ends_at > list[i]->starts_at) {
                    return "bookings " + std::to_string(list[i - 1]->id) + " and " +
                           std::to_string(list[i]->id) + " overlap on resource " +
                           std::to_string(resource);
                }
            }
        }
        for (const auto& cell : before_.cells) {
            const auto it = before_.bookings.find(cell.booking_id);
            if (it == before_.bookings.end()) return "a cell belongs to no confirmed booking";
            const core::Booking& b = it->second;
            if (b.resource != cell.resource || cell.cell_start < b.starts_at ||
                cell.cell_start >= b.ends_at) {
                return "a cell lies outside its booking";
            }
        }
        if (before_.cells.size() != expected_cells) return "a confirmed booking lacks cells";
        return "";
    }

    std::string CheckSessionAndReplies(const Customer& who, const Inbound& in,
                                       const core::HandleResult& result) {
        core::SessionLookup lookup;
        bool flagged = false;
        store_->Read([&](core::UnitOfWork& u) {
            lookup = u.LoadSession(who.key, clock_.Now());
            flagged = u.OpenFlag(who.key).has_value();
        });
        if (!lookup.session) return "the session did not load after a step";
        core::Session& s = *lookup.session;
        const std::string step = s.context["step"];
        if (!kSteps.contains(step)) return "unknown step '" + step + "'";
        if (s.step_history.size() > core::Session::kMaxStepHistory) return "step history too long";
        if ((step == "day" || step == "time" || step == "confirm") &&
            !shop_.FindService(s.context["service"])) {
            return "step " + step + " without a valid service";
        }
        if (step == "confirm") {
            const core::UtcInterval window = core::BookingWindow(shop_.rules, clock_.Now());
            const auto start = core::FromEpochMillis(std::stoll(s.context["slot"]));
            if (start < window.begin || start >= window.end) {
                return "a confirm step for a time outside the booking window";
            }
        }
        if (step == "manage" || step == "cancel_confirm") {
            const auto it = before_.bookings.find(std::stoll(s.context["booking"]));
            if (it != before_.bookings.end() && it->second.customer != who.key) {
                return "a customer is shown someone else's booking";
            }
        }
        if (result.replies.empty() && !(flagged && in.kind == Inbound::Kind::kText)) {
            return "no answer, and no person is on the conversation";
        }
        const std::string stamp = std::to_string(s.version) + "|";
        for (const auto& r : result.replies) {
            if (r.text.empty()) return "a reply with no text";
            for (const auto& row : r.keyboard) {
                for (const auto& b : row) {
                    if (b.label.empty()) return "a button with no label";
                    if (b.payload.size() > 64) return "payload over 64 bytes: " + b.payload;
                    if (b.payload.rfind(stamp, 0) != 0) return "button not stamped " + stamp;
                }
            }
        }
        return "";
    }

    std::mt19937_64 rng_;
    FixedClock clock_{kStart};
    const core::Business shop_ = CrowdedShop();
    std::unique_ptr<core::Store> store_;
    core::Engine engine_;
    std::vector<Customer> customers_;
    std::vector<Inbound> sent_;
    Snapshot before_;
    std::deque<std::string> log_;
    int step_ = 0;
    int bookings_made_ = 0;
    int bookings_released_ = 0;  // cancelled or moved away from
    int times_taken_ = 0;        // "that time was just taken" answers
};

std::vector<std::uint64_t> Seeds() {
    std::vector<std::uint64_t> seeds = {1, 20260302, 0xB00C, 977};
    if (const char* env = std::getenv("BOOKBOT_TEST_SEED"); env && *env) {
        seeds.push_back(std::strtoull(env, nullptr, 0));
    }
    return seeds;
}

TEST_CASE("random conversations keep every invariant", "[flows][random]") {
    // PostgreSQL answers each statement over TCP: fewer steps keep it quick.
    const int steps = TestDatabase::Backend() == "postgres" ? 1200 : 2500;
    int bookings = 0;
    int released = 0;
    int taken = 0;
    for (const std::uint64_t seed : Seeds()) {
        CAPTURE(seed);
        auto db = TestDatabase::Create();
        RandomRun run(seed, db->Url());
        for (int i = 0; i < steps; ++i) {
            const std::string problem = run.Step(i);
            if (!problem.empty()) {
                INFO("last actions:\n" << run.Log());
                FAIL("step " << i << ": " << problem);
            }
        }
        bookings += run.bookings_made();
        released += run.bookings_released();
        taken += run.times_taken();
    }
    // The walk must reach the deep steps and the races, or it checks little.
    INFO("bookings made " << bookings << ", released " << released << ", times taken " << taken);
    CHECK(bookings >= 10);
    CHECK(released >= 3);
    CHECK(taken >= 1);
}

}  // namespace
}  // namespace bookbot::testing
