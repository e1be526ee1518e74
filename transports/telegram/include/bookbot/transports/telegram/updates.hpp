#pragma once

#include <functional>
#include <string>

#include "bookbot/transports/platform/intake.hpp"
#include "bookbot/transports/telegram/codec.hpp"

namespace bookbot::transports::telegram {

// Hands parsed updates to the Intake, whichever way they came in (webhook or
// long polling): messages, presses and block/unblock events each as one unit
// of work; ignored updates only counted. Thread-safe.
class UpdateHandler {
public:
    // Called for a button press that NeedsCallbackAnswer: answer the callback
    // query now so the user's button stops spinning. Empty when the caller
    // answers itself (the webhook puts the answer in its HTTP reply).
    using AnswerCallback = std::function<void(const std::string& callback_query_id)>;

    enum class Outcome { kHandled, kDuplicate, kIgnored };

    explicit UpdateHandler(Intake& intake, AnswerCallback answer_callback = {})
        : intake_(intake), answer_callback_(std::move(answer_callback)) {}

    // Returns once the update committed; throws core::StorageError when the
    // store failed and nothing was committed (the update must come again).
    Outcome Handle(const ParsedUpdate& update);

private:
    Intake& intake_;
    AnswerCallback answer_callback_;
};

// Whether `update` is a button press whose callback query must be answered
// after Handle returned `outcome`: a new press, or an ignored one (never
// deduped). A replayed press was answered when it was new, so it is not
// answered again.
bool NeedsCallbackAnswer(const ParsedUpdate& update, UpdateHandler::Outcome outcome);

}  // namespace bookbot::transports::telegram
