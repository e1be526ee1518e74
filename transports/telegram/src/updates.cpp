#include "bookbot/transports/telegram/updates.hpp"

#include <chrono>

#include "bookbot/core/log.hpp"
#include "bookbot/core/outbox_dispatcher.hpp"
#include "bookbot/core/update_metrics.hpp"

namespace bookbot::transports::telegram {
namespace {

const std::string kTransport(kPlatform);

}  // namespace

UpdateHandler::UpdateHandler(core::Engine& engine, core::Store& store, const core::Clock& clock,
                             core::Metrics* metrics, Hooks hooks)
    : engine_(engine), store_(store), clock_(clock), metrics_(metrics), hooks_(std::move(hooks)) {}

UpdateHandler::Outcome UpdateHandler::Handle(const ParsedUpdate& update) {
    try {
        const Outcome outcome = Apply(update);
        if (!update.callback_query_id.empty() && hooks_.answer_callback) {
            hooks_.answer_callback(update.callback_query_id);
        }
        return outcome;
    } catch (const core::StorageError& e) {
        core::CountStoreError(metrics_, e);
        core::CountUpdate(metrics_, kTransport, "failed");
        throw;
    }
}

UpdateHandler::Outcome UpdateHandler::Apply(const ParsedUpdate& update) {
    using Kind = ParsedUpdate::Kind;
    const core::Inbound& in = update.inbound;
    switch (update.kind) {
        case Kind::kInbound: {
            const auto started = std::chrono::steady_clock::now();
            const core::HandleResult result = engine_.Handle(in);
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            core::CountHandled(metrics_, kTransport, result, seconds);
            if (result.duplicate) return Outcome::kDuplicate;
            if (!result.replies.empty() && hooks_.committed) hooks_.committed();
            return Outcome::kHandled;
        }
        case Kind::kBlocked:
        case Kind::kUnblocked: {
            const bool blocked = update.kind == Kind::kBlocked;
            const bool fresh = store_.Write([&](core::UnitOfWork& unit) {
                const core::TimePoint now = clock_.Now();
                if (!unit.RecordInbound(in.platform, in.external_id, now)) return false;
                core::SetChatBlocked(unit, in.platform, in.chat_id, blocked, now);
                return true;
            });
            if (!fresh) {
                core::CountUpdate(metrics_, kTransport, "duplicate");
                return Outcome::kDuplicate;
            }
            core::log::Info(blocked ? "telegram.user_blocked_bot" : "telegram.user_unblocked_bot",
                            {{"chat", in.chat_id}});
            core::CountUpdate(metrics_, kTransport, blocked ? "blocked" : "unblocked");
            return blocked ? Outcome::kBlocked : Outcome::kUnblocked;
        }
        case Kind::kIgnored:
            core::log::Debug("telegram.update_ignored", {{"reason", update.reason}});
            core::CountUpdate(metrics_, kTransport, "ignored");
            return Outcome::kIgnored;
    }
    return Outcome::kIgnored;
}

}  // namespace bookbot::transports::telegram
