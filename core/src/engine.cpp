#include "bookbot/core/engine.hpp"

#include <functional>

#include "bookbot/core/flows.hpp"
#include "bookbot/core/outbox_dispatcher.hpp"
#include "bookbot/core/staff.hpp"

namespace bookbot::core {
namespace {

// A version conflict means another update of the same chat committed first.
// Each round of racers has a winner, so a burst of N updates of one chat
// needs up to N attempts for its last one; Telegram and WhatsApp deliver a
// chat's messages and presses in separate queues, so bursts of a few dozen
// are possible (a 503 would only have the platform deliver it again later).
constexpr int kMaxAttempts = 64;

struct Unstamped {
    std::optional<std::int64_t> version;
    std::string action;
};

Unstamped SplitPayload(const std::string& payload) {
    const auto bar = payload.find('|');
    if (bar == std::string::npos) return {std::nullopt, payload};
    try {
        return {std::stoll(payload.substr(0, bar)), payload.substr(bar + 1)};
    } catch (const std::exception&) {
        return {std::nullopt, payload.substr(bar + 1)};
    }
}

std::string HistoryText(const Inbound& in) {
    switch (in.kind) {
        case Inbound::Kind::kText:
            return in.payload;
        case Inbound::Kind::kButton:
            return "[button] " + SplitPayload(in.payload).action;
        case Inbound::Kind::kUnsupported:
            return "[unsupported] " + in.payload;
    }
    return in.payload;
}

}  // namespace

std::string Engine::StampPayload(std::int64_t version, const std::string& action) {
    return std::to_string(version) + "|" + action;
}

std::mutex& Engine::ChatLock(const Inbound& inbound) {
    const std::size_t h = std::hash<std::string>{}(inbound.platform + '\n' + inbound.user_id);
    return chat_locks_[h % kChatLocks];
}

HandleResult Engine::Handle(const Inbound& in) {
    // Updates of one conversation queue here rather than conflict at the
    // session's compare-and-set and run again (the retry loop below stays for
    // other processes sharing the database).
    const std::lock_guard chat_lock(ChatLock(in));
    HandleResult result;
    bool slot_taken = false;
    for (int attempt = 1;; ++attempt) {
        const TimePoint now = clock_.Now();
        try {
            result.replies.clear();
            result.duplicate = false;
            store_.Write([&](UnitOfWork& unit) {
                if (!unit.RecordInbound(in.platform, in.external_id, now)) {
                    result.duplicate = true;
                    return;
                }
                if (in.event != Inbound::Event::kMessage) {
                    SetChatBlocked(unit, in.platform, in.chat_id,
                                   in.event == Inbound::Event::kBlocked, now);
                    return;
                }
                if (auto staff = RouteStaffTraffic(business_, staff_, unit, in, now)) {
                    result.replies = std::move(*staff);
                    return;
                }
                const SessionKey key{in.platform, in.user_id};
                const SessionLookup lookup = unit.LoadSession(key, now);
                Session session;
                if (lookup.session) {
                    session = *lookup.session;
                } else {
                    session.key = key;
                    session.context = {{"step", "menu"}};
                }
                session.chat_id = in.chat_id;

                FlowInput input;
                input.kind = in.kind;
                input.now = now;
                input.slot_taken = slot_taken;
                input.expired = lookup.expired;
                // Only a chat with no session is read for history: a new
                // customer's first words get the greeting (flows.cpp).
                input.first_contact =
                    !lookup.session && !lookup.expired && unit.RecentMessages(key, 1).empty();
                input.customer = CustomerLabel(key, in.display_name);
                if (in.kind == Inbound::Kind::kText) input.text = in.payload;
                if (in.kind == Inbound::Kind::kButton) {
                    const Unstamped button = SplitPayload(in.payload);
                    input.action = button.action;
                    input.stale = button.version != session.version || session.version == 0;
                }
                unit.AppendMessage(key, Direction::kIn, HistoryText(in), now);

                std::vector<Reply> replies = RunFlow(business_, session, input, unit);
                const std::int64_t version = unit.SaveSession(session, now, business_.session_ttl);
                if (in.kind == Inbound::Kind::kButton && !replies.empty()) {
                    // The answer to a press replaces the message that had the button.
                    replies.front().edit_message_id = in.origin_message_id;
                }
                for (Reply& reply : replies) {
                    for (auto& row : reply.keyboard) {
                        for (Button& b : row) b.payload = StampPayload(version, b.payload);
                    }
                    unit.Enqueue(in.platform, in.chat_id, EncodeReply(reply), now);
                    unit.AppendMessage(key, Direction::kOut, reply.text, now);
                }
                result.replies = std::move(replies);
            });
            // After the commit, so no read of the staff chats can predate it.
            if (IsStaffLink(in)) staff_.Invalidate();
            return result;
        } catch (const SlotTaken&) {
            // Rolled back; run the step again, telling the customer.
            slot_taken = true;
            if (attempt >= kMaxAttempts) throw;
        } catch (const StorageError& e) {
            if (e.kind() != StorageError::Kind::kConflict || attempt >= kMaxAttempts) throw;
            ++result.retries;
        }
    }
}

}  // namespace bookbot::core
