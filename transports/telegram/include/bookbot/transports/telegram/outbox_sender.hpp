#pragma once

#include <string_view>

#include "bookbot/core/outbox_sender.hpp"
#include "bookbot/transports/telegram/api_result.hpp"
#include "bookbot/transports/telegram/bot_api.hpp"

namespace bookbot::transports::telegram {

// Delivers outbox messages of platform "telegram" through the Bot API. A
// reply with edit_message_id replaces that message (editMessageText); if
// Telegram says it cannot be edited or is gone, the reply is sent as a new
// message instead. Never throws for a delivery failure; `api` must outlive it.
class TelegramSender final : public core::OutboxSender {
public:
    explicit TelegramSender(const BotApi& api) : api_(api) {}
    core::SendOutcome Send(const core::OutboxMessage& message) override;

private:
    const BotApi& api_;
};

// What Telegram's answer to `method` means for an outbox message:
//   ok, or 400 "message is not modified"      → Sent
//   429                                        → RetryAfter(parameters.retry_after)
//   403 (blocked, user deactivated, …)         → Blocked
//   401 / 404 (the token was rejected)         → Transient: an operator fixes the
//                                                token; the messages wait
//   other 400 and other 4xx                    → Permanent
//   5xx and anything else (an HTML page, …)    → Transient
core::SendOutcome ClassifyResult(std::string_view method, const ApiResult& result);

// ClassifyResult for kApi; no answer at all (kTransport) or an unreadable
// one (kResponse) → Transient.
core::SendOutcome ClassifyError(const BotApiError& error);

// Whether a failed editMessageText should become a sendMessage: the message
// to edit is gone, too old, or not a text message.
bool ShouldSendInsteadOfEdit(const ApiResult& result);

}  // namespace bookbot::transports::telegram
