#pragma once

#include <chrono>
#include <stop_token>

#include "bookbot/core/business.hpp"
#include "bookbot/core/clock.hpp"
#include "bookbot/core/metrics.hpp"
#include "bookbot/core/outbox_dispatcher.hpp"
#include "bookbot/core/store.hpp"
#include "dispatch_wakeups.hpp"

// serve's platform-neutral background loops, each run on a thread of its own
// until `stop` is requested.
namespace bookbot::app {

// Runs `dispatcher` (number `index` of `wakeups`) as long as it finds work;
// then idles 500 ms (1 s after a store error) or until woken (new replies
// committed here, or a late send result to record; other instances' rows are
// only seen by polling).
void DispatchLoop(core::OutboxDispatcher& dispatcher, DispatchWakeups& wakeups, int index,
                  core::Metrics& metrics, const std::stop_token& stop);

// Every `every`, on its own timer (traffic does not wake it): removes expired
// sessions and dedupe records older than Telegram's and WhatsApp's
// redelivery windows.
void SweepLoop(core::Store& store, const core::Clock& clock, core::Metrics& metrics,
               std::chrono::seconds every, const std::stop_token& stop);

// Sends due reminders (core::SendDueReminders) on its own timer: after a
// round it sleeps until the next reminder is due, but at most `at_most` (a
// booking made through another instance may be due sooner), and not at all
// while a round finds a full batch. Counts bookbot_reminders_total{outcome}.
void ReminderLoop(core::Store& store, const core::Business& business, const core::Clock& clock,
                  core::Metrics& metrics, core::Millis at_most, const std::stop_token& stop);
// Every `every` (and at start): sends today's staff agenda if it is due and no
// instance sent it yet (core::SendDailyAgendaIfDue). Logs the outcome
// (staff.agenda outcome=…) of the first round and of each change. Store
// errors are logged and tried again on the next round.
void AgendaLoop(core::Store& store, const core::Business& business, const core::Clock& clock,
                std::chrono::seconds every, const std::stop_token& stop);

}  // namespace bookbot::app
