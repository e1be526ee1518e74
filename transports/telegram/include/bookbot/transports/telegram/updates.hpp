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
    // Called for a button press that is new (not a replay of one handled
    // before), or ignored (never deduped): answer the callback query now so
    // the user's button stops spinning. A replayed press was answered when it
    // was new, so it is not answered again.
    using AnswerCallback = std::function<void(const std::string& callback_query_id)>;

    enum class Outcome { kHandled, kDuplicate, kIgnored };

    UpdateHandler(Intake& intake, AnswerCallback answer_callback)
        : intake_(intake), answer_callback_(std::move(answer_callback)) {}

    // Returns once the update committed; throws core::StorageError when the
    // store failed and nothing was committed (the update must come again).
    Outcome Handle(const ParsedUpdate& update);

private:
    Intake& intake_;
    AnswerCallback answer_callback_;
};

}  // namespace bookbot::transports::telegram
