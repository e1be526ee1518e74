#include "serve_loops.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "bookbot/core/log.hpp"
#include "bookbot/core/reminders.hpp"
#include "bookbot/core/staff.hpp"
#include "bookbot/core/update_metrics.hpp"

namespace bookbot::app {
namespace {

using namespace std::chrono_literals;

// Dedupe records are kept this long: Telegram keeps an update for 24 h,
// WhatsApp retries for days.
constexpr auto kDedupeRetention = std::chrono::hours(24 * 7);

}  // namespace

void DispatchLoop(core::OutboxDispatcher& dispatcher, DispatchWakeups& wakeups, int index,
                  core::Metrics& metrics, const std::stop_token& stop) {
    while (!stop.stop_requested()) {
        core::Millis idle = 500ms;  // other instances' rows are only seen by polling
        try {
            if (dispatcher.RunOnce().claimed > 0) continue;
        } catch (const core::StorageError& e) {
            core::CountStoreError(&metrics, e);
            core::log::Warn("outbox.store_error",
                            {{"kind", core::KindName(e.kind())}, {"error", e.what()}});
            idle = 1s;
        }
        wakeups.Wait(index, idle, stop);
    }
}

void SweepLoop(core::Store& store, const core::Clock& clock, core::Metrics& metrics,
               std::chrono::seconds every, const std::stop_token& stop) {
    std::mutex mutex;
    std::condition_variable_any stopped;
    while (!stop.stop_requested()) {
        try {
            const core::TimePoint now = clock.Now();
            const std::int64_t swept = core::SweepExpiredSessions(store, now);
            metrics.Add("bookbot_sessions_swept_total", {}, static_cast<double>(swept));
            const std::int64_t forgotten = store.Write([&](core::UnitOfWork& unit) {
                return unit.DeleteInboundBefore(now - kDedupeRetention, 10'000);
            });
            if (swept > 0 || forgotten > 0) {
                core::log::Info("sweep", {{"sessions", swept}, {"dedupe_records", forgotten}});
            }
        } catch (const core::StorageError& e) {
            core::CountStoreError(&metrics, e);
            core::log::Warn("sweep.store_error", {{"error", e.what()}});
        }
        std::unique_lock lock(mutex);
        stopped.wait_for(lock, stop, every, [] { return false; });
    }
}

void ReminderLoop(core::Store& store, const core::Business& business, const core::Clock& clock,
                  core::Metrics& metrics, core::Millis at_most, const std::stop_token& stop) {
    std::mutex mutex;
    std::condition_variable_any stopped;
    while (!stop.stop_requested()) {
        core::Millis idle = at_most;
        try {
            const core::ReminderRound round = core::SendDueReminders(store, business, clock);
            metrics.Add("bookbot_reminders_total", {{"outcome", "sent"}},
                        static_cast<double>(round.sent));
            metrics.Add("bookbot_reminders_total", {{"outcome", "skipped"}},
                        static_cast<double>(round.skipped));
            if (round.sent > 0 || round.skipped > 0) {
                core::log::Info("reminders", {{"sent", round.sent}, {"skipped", round.skipped}});
            }
            if (round.full) continue;
            if (round.next_due) {
                idle = std::clamp(*round.next_due - clock.Now(), core::Millis{10}, at_most);
            }
        } catch (const core::StorageError& e) {
            core::CountStoreError(&metrics, e);
            core::log::Warn("reminders.store_error", {{"error", e.what()}});
        }
        std::unique_lock lock(mutex);
        stopped.wait_for(lock, stop, idle, [] { return false; });
    }
}

void AgendaLoop(core::Store& store, const core::Business& business, const core::Clock& clock,
                std::chrono::seconds every, const std::stop_token& stop) {
    std::mutex mutex;
    std::condition_variable_any stopped;
    std::optional<core::AgendaOutcome> last;
    while (!stop.stop_requested()) {
        try {
            // The first round and each change (not due → sent → already
            // sent → not due after midnight): a few lines a day, enough to
            // see which instance sent it and that the others found it sent.
            const core::AgendaOutcome outcome =
                core::SendDailyAgendaIfDue(store, business, clock.Now());
            if (outcome != last) {
                core::log::Info("staff.agenda", {{"outcome", core::ToString(outcome)}});
                last = outcome;
            }
        } catch (const core::StorageError& e) {
            core::log::Warn("staff.agenda_store_error", {{"error", e.what()}});
        }
        std::unique_lock lock(mutex);
        stopped.wait_for(lock, stop, every, [] { return false; });
    }
}

}  // namespace bookbot::app
