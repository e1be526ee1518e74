#include "bookbot/core/write_health.hpp"

namespace bookbot::core {

namespace {

// The transport-state row the readiness probe rewrites.
constexpr const char* kProbeKey = "bookbot.readiness_probe";

}  // namespace

void WriteHealth::Failed(const StorageError& error) noexcept {
    const auto kind = error.kind();
    if (kind == StorageError::Kind::kUnavailable || kind == StorageError::Kind::kInternal) {
        ++failures_;
    }
}

bool WriteHealth::ReadyOrProbe(Store& store, const Clock& clock) {
    if (Ready()) return true;
    {
        const std::lock_guard lock(probe_mutex_);
        const auto now = std::chrono::steady_clock::now();
        if (last_probe_ && now - *last_probe_ < kProbeInterval) return Ready();
        last_probe_ = now;
    }
    try {
        store.Write([&](UnitOfWork& unit) {
            const TimePoint at = clock.Now();
            unit.PutTransportState(kProbeKey, std::to_string(ToEpochMillis(at)), at);
        });
    } catch (const StorageError&) {
        // Counted by the reporting store; still not ready.
    }
    return Ready();
}

void HealthReportingStore::Run(Access access, const std::function<void(UnitOfWork&)>& work) {
    if (access != Access::kWrite) return inner_->Run(access, work);
    try {
        inner_->Run(access, work);
    } catch (const StorageError& e) {
        health_.Failed(e);
        throw;
    }
    health_.Succeeded();
}

}  // namespace bookbot::core
