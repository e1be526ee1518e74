#include "engine_bench.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "bookbot/backends/open_store.hpp"
#include "business_config.hpp"
#include "config.hpp"
#include "database_choice.hpp"
#include "flow_script.hpp"
#include "proc_stats.hpp"
#include "raw_upsert.hpp"
#include "report.hpp"

namespace bookbot::bench {
namespace {

struct FlowOutcome {
    bool booked = false;
    std::int64_t updates = 0;
};

// One chat's flow, from /start until booked or stuck.
FlowOutcome RunFlow(core::Engine& engine, const core::Clock& clock, const std::string& chat,
                    std::atomic<std::int64_t>& next_update, std::mt19937& rng) {
    core::Inbound in;
    in.platform = "telegram";
    in.user_id = chat;
    in.chat_id = chat;
    in.kind = core::Inbound::Kind::kText;
    in.payload = "/start";
    FlowOutcome outcome;
    while (true) {
        in.external_id = std::to_string(next_update++);
        in.at = clock.Now();
        const core::HandleResult result = engine.Handle(in);
        ++outcome.updates;
        std::vector<std::string> payloads;
        for (const core::Reply& reply : result.replies) {
            outcome.booked = outcome.booked || IsBookedText(reply.text);
            for (const auto& row : reply.keyboard) {
                for (const core::Button& b : row) payloads.push_back(b.payload);
            }
        }
        const auto press = NextPress(payloads, rng);
        if (outcome.booked || !press || outcome.updates >= kMaxTurns) return outcome;
        in.kind = core::Inbound::Kind::kButton;
        in.payload = *press;
        in.origin_message_id = "1";
    }
}

// `count` bookings on the days before today, every chair of every grid time
// taken, day after day back from yesterday: a business's history.
void FillHistory(core::Store& store, const core::Business& business, int count,
                 core::TimePoint now) {
    const core::ScheduleRules& rules = business.rules;
    const core::Service& service = business.services.front();
    const core::LocalDate today = core::LocalDateAt(rules.time_zone, now);
    const auto& hours = rules.weekly_hours.at(0).front();  // the bench opens every day alike
    const int per_day_times =
        (hours.close_minute - hours.open_minute) / static_cast<int>(rules.slot_step.count());
    const int per_day = per_day_times * rules.resources;
    constexpr int kPerUnit = 1000;
    for (int first = 0; first < count; first += kPerUnit) {
        store.Write([&](core::UnitOfWork& u) {
            for (int i = first; i < std::min(count, first + kPerUnit); ++i) {
                const core::LocalDate day = core::AddDays(today, -1 - i / per_day);
                const int time = (i % per_day) / rules.resources;
                core::Booking b;
                b.customer = {"telegram", "history" + std::to_string(i)};
                b.chat_id = b.customer.user_id;
                b.service_id = service.id;
                b.resource = i % rules.resources;
                b.starts_at = core::StartOfLocalDay(rules.time_zone, day) +
                              std::chrono::minutes(hours.open_minute) + time * rules.slot_step;
                b.ends_at = b.starts_at + service.duration;
                u.InsertBooking(b, core::CellsFor(b.starts_at, service.duration, rules.slot_step),
                                now);
            }
        });
    }
}

}  // namespace

EngineRun DriveEngine(core::Engine& engine, const core::Clock& clock, int chats, int threads,
                      unsigned seed) {
    EngineRun run;
    run.chats = chats;
    std::atomic<int> next_chat{0};
    const std::int64_t base = FreshIdBase();
    std::atomic<std::int64_t> next_update{base * 1000};
    std::mutex mutex;
    const auto started = std::chrono::steady_clock::now();
    {
        std::vector<std::jthread> workers;
        for (int t = 0; t < threads; ++t) {
            workers.emplace_back([&] {
                for (int i = next_chat++; i < chats; i = next_chat++) {
                    std::mt19937 rng(seed + static_cast<unsigned>(i));
                    const FlowOutcome outcome =
                        RunFlow(engine, clock, std::to_string(base + i), next_update, rng);
                    const std::lock_guard lock(mutex);
                    run.updates += outcome.updates;
                    ++(outcome.booked ? run.completed : run.stuck);
                }
            });
        }
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return run;
}

bool EngineMode(const BenchOptions& options, const std::filesystem::path& work_dir) {
    const auto db = ChooseDatabase(options);
    const core::SystemClock clock;
    const core::Business business = app::LoadBusinessConfig(WriteBenchBusiness(work_dir).string());
    const auto store = backends::OpenStore(db->Url());
    store->Migrate(clock.Now());
    store->RequireCurrentSchema();
    core::Engine engine(*store, business, clock);
    FillHistory(*store, business, options.fill, clock.Now());

    const double cpu_before = CpuMillis(getpid());
    const EngineRun run = DriveEngine(engine, clock, options.chats, options.threads, options.seed);
    // This process runs the engine and (SQLite) the database: all the work.
    const double cpu_ms_per_update =
        (CpuMillis(getpid()) - cpu_before) / static_cast<double>(run.updates);
    const double engine_rate = static_cast<double>(run.updates) / run.seconds;
    const double raw_rate = RawUpsertRate(db->Url(), options.upserts);
    PrintFigures(
        "engine · " + BackendName(db->Url()) + " · " + std::to_string(options.chats) + " chats · " +
            std::to_string(options.threads) + " thread(s) · " + std::to_string(options.fill) +
            " bookings before",
        {
            {"engine updates/s", engine_rate, "1/s", {}},
            {"CPU per update (this process)", cpu_ms_per_update, "ms", {}},
            {"raw 1 KB upserts/s (1 connection)", raw_rate, "tx/s", {}},
            {"engine / raw", 100.0 * engine_rate / raw_rate, "%", Target{60, false}},
            {"completed flows", 100.0 * run.completed / run.chats, "%", Target{100, false}},
        });
    return run.completed == run.chats;
}

}  // namespace bookbot::bench
