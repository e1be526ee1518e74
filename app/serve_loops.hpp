#pragma once

#include <chrono>
#include <stop_token>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/metrics.hpp"
#include "bookbot/core/outbox_dispatcher.hpp"
#include "bookbot/core/store.hpp"
#include "wakeup.hpp"

// serve's platform-neutral background loops, each run on a thread of its own
// until `stop` is requested.
namespace bookbot::app {

// Runs `dispatcher` as long as it finds work; idles 500 ms (1 s after a store
// error) or until `wakeup` (new replies committed here; other instances' rows
// are only seen by polling).
void DispatchLoop(core::OutboxDispatcher& dispatcher, Wakeup& wakeup, core::Metrics& metrics,
                  const std::stop_token& stop);

// Every `every`: removes expired sessions and dedupe records older than
// Telegram's and WhatsApp's redelivery windows.
void SweepLoop(core::Store& store, const core::Clock& clock, core::Metrics& metrics, Wakeup& wakeup,
               std::chrono::seconds every, const std::stop_token& stop);

}  // namespace bookbot::app
