#include "bookbot/transports/telegram/outbox_sender.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace bookbot::transports::telegram {
namespace {

using core::SendOutcome;

constexpr std::chrono::seconds kDefaultRetryAfter{5};

bool Mentions(std::string_view description, std::string_view phrase) {
    const auto lower = [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    };
    return std::search(description.begin(), description.end(), phrase.begin(), phrase.end(),
                       [&](char a, char b) { return lower(a) == lower(b); }) != description.end();
}

std::string Describe(std::string_view method, const ApiResult& result) {
    return "telegram " + std::string(method) + ": " + std::to_string(result.error_code) + " " +
           result.description;
}

}  // namespace

SendOutcome ClassifyResult(std::string_view method, const ApiResult& result) {
    if (result.ok) return SendOutcome::Sent();
    const int code = result.error_code != 0 ? result.error_code : result.http_status;
    if (code == 400 && Mentions(result.description, "message is not modified")) {
        return SendOutcome::Sent();
    }
    if (code == 429) {
        const std::chrono::seconds wait =
            result.retry_after ? std::chrono::seconds(*result.retry_after) : kDefaultRetryAfter;
        return SendOutcome::RetryAfter(wait, Describe(method, result));
    }
    if (code == 403) return SendOutcome::Blocked(Describe(method, result));
    if (code == 401 || code == 404) {
        return SendOutcome::Transient(Describe(method, result) +
                                      " (the bot token was rejected: fix the configured token;"
                                      " messages are kept and retried)");
    }
    if (code == 400 && result.migrate_to_chat_id) {
        return SendOutcome::Permanent(Describe(method, result) + " (the group became supergroup " +
                                      std::to_string(*result.migrate_to_chat_id) + ")");
    }
    if (code >= 400 && code < 500) return SendOutcome::Permanent(Describe(method, result));
    return SendOutcome::Transient(Describe(method, result));
}

SendOutcome ClassifyError(const BotApiError& error) {
    if (error.kind() == BotApiError::Kind::kApi)
        return ClassifyResult(error.method(), error.result());
    return SendOutcome::Transient(error.what());
}

bool ShouldSendInsteadOfEdit(const ApiResult& result) {
    const int code = result.error_code != 0 ? result.error_code : result.http_status;
    if (result.ok || code != 400) return false;
    constexpr std::array<std::string_view, 4> kPhrases = {
        "message to edit not found", "message can't be edited",
        "there is no text in the message to edit", "message_id_invalid"};
    return std::any_of(kPhrases.begin(), kPhrases.end(), [&](std::string_view phrase) {
        return Mentions(result.description, phrase);
    });
}

SendOutcome TelegramSender::Send(const core::OutboxMessage& message) {
    if (message.platform != kPlatform) {
        return SendOutcome::Permanent("telegram: not a telegram message (platform \"" +
                                      message.platform.substr(0, 32) + "\")");
    }
    const auto chat_id = ParseId(message.chat_id);
    if (!chat_id) return SendOutcome::Permanent("telegram: the chat id is not a 64-bit integer");
    core::Reply reply;
    try {
        reply = core::DecodeReply(message.body);
    } catch (const std::invalid_argument&) {
        return SendOutcome::Permanent("telegram: the outbox body is not an encoded reply");
    }

    try {
        // An id that is not a number cannot be edited: the reply goes out new.
        if (const auto edit_id = ParseId(reply.edit_message_id)) {
            try {
                api_.EditMessageText(*chat_id, *edit_id, reply);
                return SendOutcome::Sent();
            } catch (const BotApiError& e) {
                if (e.kind() != BotApiError::Kind::kApi || !ShouldSendInsteadOfEdit(e.result())) {
                    return ClassifyError(e);
                }
            }
        }
        api_.SendMessage(*chat_id, reply);
        return SendOutcome::Sent();
    } catch (const BotApiError& e) {
        return ClassifyError(e);
    } catch (const std::logic_error& e) {
        // A button Telegram cannot carry (requests.hpp): retrying cannot help.
        return SendOutcome::Permanent(e.what());
    }
}

}  // namespace bookbot::transports::telegram
