#include "bookbot/transports/telegram/poller.hpp"

#include <algorithm>

#include "bookbot/core/log.hpp"

namespace bookbot::transports::telegram {

int Poller::PollOnce() {
    const std::int64_t offset = store_.Read([&](core::UnitOfWork& unit) {
        const auto stored = unit.GetTransportState(kOffsetKey);
        return stored ? ParseId(*stored).value_or(0) : 0;
    });
    const std::vector<ParsedUpdate> updates =
        api_.GetUpdates(offset, options_.timeout_seconds, options_.limit);
    for (const ParsedUpdate& update : updates) {
        try {
            handler_.Handle(update);
        } catch (const core::StorageError&) {
            throw;  // the offset stays: the batch comes again
        } catch (const std::bad_alloc&) {
            throw;
        } catch (const std::exception& e) {
            // A defect, not the store: this update would fail the same way
            // every time and hold up every later one. Skipped, and said so.
            core::log::Error("telegram.update_failed",
                             {{"error", e.what()}, {"update_id", update.update_id.value_or(0)}});
        }
    }
    const std::int64_t next = NextOffset(updates, offset);
    if (next != offset) {
        store_.Write([&](core::UnitOfWork& unit) {
            unit.PutTransportState(kOffsetKey, std::to_string(next), clock_.Now());
        });
    }
    return static_cast<int>(updates.size());
}

void Poller::Run(const std::function<bool()>& stopping,
                 const std::function<void(std::chrono::milliseconds)>& wait) {
    std::chrono::milliseconds backoff{0};
    while (!stopping()) {
        try {
            PollOnce();
            backoff = std::chrono::milliseconds(0);
            continue;
        } catch (const BotApiError& e) {
            if (e.kind() == BotApiError::Kind::kApi && e.result().http_status == 409) {
                core::log::Error("telegram.poll_conflict",
                                 {{"error", e.what()},
                                  {"fix",
                                   "a webhook is set (run `bookbot telegram delete-webhook`) or "
                                   "another instance is polling with this token"}});
            } else {
                core::log::Warn("telegram.poll_failed", {{"error", e.what()}});
            }
        } catch (const core::StorageError& e) {
            core::log::Error("telegram.poll_store_error",
                             {{"kind", core::KindName(e.kind())}, {"error", e.what()}});
        } catch (const std::exception& e) {  // out of memory: the poller goes on
            core::log::Error("telegram.poll_failed", {{"error", e.what()}});
        }
        backoff = std::clamp(backoff * 2, options_.min_backoff, options_.max_backoff);
        wait(backoff);
    }
}

}  // namespace bookbot::transports::telegram
