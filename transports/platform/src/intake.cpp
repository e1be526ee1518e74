#include "bookbot/transports/platform/intake.hpp"

#include <chrono>
#include <string>

#include "bookbot/core/log.hpp"
#include "bookbot/core/update_metrics.hpp"

namespace bookbot::transports {

core::HandleResult Intake::Handle(const core::Inbound& in) {
    const auto started = std::chrono::steady_clock::now();
    core::HandleResult result;
    try {
        result = engine_.Handle(in);
    } catch (const core::StorageError& e) {
        core::CountStoreError(metrics_, e);
        core::CountUpdate(metrics_, in.platform, "failed");
        throw;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (in.event == core::Inbound::Event::kMessage || result.duplicate) {
        core::CountHandled(metrics_, in.platform, result, seconds);
    } else {
        const bool blocked = in.event == core::Inbound::Event::kBlocked;
        core::log::Info(in.platform + (blocked ? ".user_blocked_bot" : ".user_unblocked_bot"),
                        {{"chat", in.chat_id}});
        core::CountUpdate(metrics_, in.platform, blocked ? "blocked" : "unblocked", seconds);
    }
    if (!result.duplicate && !result.replies.empty() && committed_) committed_();
    return result;
}

void Intake::Ignore(std::string_view platform, std::string_view reason) {
    core::log::Debug(std::string(platform) + ".update_ignored", {{"reason", reason}});
    core::CountUpdate(metrics_, platform, "ignored");
}

}  // namespace bookbot::transports
