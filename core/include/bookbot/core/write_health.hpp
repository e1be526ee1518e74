#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/storage_error.hpp"
#include "bookbot/core/store.hpp"
#include "bookbot/core/store_wrapper.hpp"

namespace bookbot::core {

// Whether the store takes writes, judged by the outcomes of the writes the
// process makes anyway: not ready after `failures_to_unready` write units in
// a row failed for the database's sake (unavailable or internal: a full or
// read-only disk, a lost server), ready again after the next write commits.
// A conflict or an invalid request says nothing about the database and does
// not count. Thread-safe.
class WriteHealth {
public:
    static constexpr int kDefaultFailuresToUnready = 3;
    static constexpr std::chrono::seconds kProbeInterval{1};

    explicit WriteHealth(int failures_to_unready = kDefaultFailuresToUnready)
        : failures_to_unready_(failures_to_unready < 1 ? 1 : failures_to_unready) {}

    void Succeeded() noexcept { failures_ = 0; }
    void Failed(const StorageError& error) noexcept;
    bool Ready() const noexcept { return failures_.load() < failures_to_unready_; }
    int ConsecutiveFailures() const noexcept { return failures_.load(); }

    // Ready(), or else a probe: one small write unit through `store` (at most
    // once per kProbeInterval; `store` should be the one reporting to this
    // object), and ready again if it commits. For a readiness endpoint, so
    // that an instance with no traffic still comes back once the database
    // does.
    bool ReadyOrProbe(Store& store, const Clock& clock);

private:
    const int failures_to_unready_;
    std::atomic<int> failures_{0};
    std::mutex probe_mutex_;
    std::optional<std::chrono::steady_clock::time_point> last_probe_;
};

// A Store that reports the outcome of every write unit to a WriteHealth and
// otherwise forwards everything to the store it owns.
class HealthReportingStore final : public StoreWrapper {
public:
    // `*inner` is bound before `inner` is moved into the member: same object.
    HealthReportingStore(std::unique_ptr<Store> inner, WriteHealth& health)
        : StoreWrapper(*inner), inner_(std::move(inner)), health_(health) {}

    void Run(Access access, const std::function<void(UnitOfWork&)>& work) override;

private:
    std::unique_ptr<Store> inner_;
    WriteHealth& health_;
};

}  // namespace bookbot::core
