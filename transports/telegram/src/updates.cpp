#include "bookbot/transports/telegram/updates.hpp"

namespace bookbot::transports::telegram {

UpdateHandler::Outcome UpdateHandler::Handle(const ParsedUpdate& update) {
    Outcome outcome = Outcome::kIgnored;
    if (update.kind == ParsedUpdate::Kind::kIgnored) {
        intake_.Ignore(kPlatform, update.reason);
    } else {
        const bool duplicate = intake_.Handle(update.inbound).duplicate;
        outcome = duplicate ? Outcome::kDuplicate : Outcome::kHandled;
    }
    if (answer_callback_ && NeedsCallbackAnswer(update, outcome)) {
        answer_callback_(update.callback_query_id);
    }
    return outcome;
}

bool NeedsCallbackAnswer(const ParsedUpdate& update, UpdateHandler::Outcome outcome) {
    return outcome != UpdateHandler::Outcome::kDuplicate && !update.callback_query_id.empty();
}

}  // namespace bookbot::transports::telegram
