#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bookbot/core/business.hpp"
#include "bookbot/core/clock.hpp"
#include "bookbot/core/records.hpp"
#include "bookbot/core/store.hpp"

namespace bookbot::core {

// What a person running the bot does to its data besides chatting (the admin
// commands). Each action is one unit of work, run again from scratch on a
// conflict; whatever the customer should learn goes into the outbox and the
// conversation history in that same unit, as the bot's own replies do.
// Thread-safe: holds no state beyond references.
class OperatorActions {
public:
    OperatorActions(Store& store, const Business& business, const Clock& clock)
        : store_(store), business_(business), clock_(clock) {}

    enum class Outcome {
        kDone,
        kNotFound,     // no such booking / flag
        kAlreadyDone,  // the booking is not confirmed / the flag is resolved
    };

    // What an action found and did.
    template <typename T>
    struct Result {
        Outcome outcome = Outcome::kNotFound;
        std::optional<T> found;  // as it was before the action
    };

    struct CancelResult : Result<Booking> {
        std::string notice;  // what the customer was sent (kDone)
    };
    // Cancels a confirmed booking, releases its slot and tells the customer
    // on the booking's platform and chat (text "cancelled_by_business").
    CancelResult CancelBooking(std::int64_t booking_id);

    struct ResolveResult : Result<HumanFlag> {
        bool back_to_menu = false;  // the conversation was waiting for the person
    };
    // Resolves an open flag. A non-empty `reply` is sent to the user and kept
    // in the history. A conversation still at the "human" step returns to the
    // main menu, so the bot answers as usual again.
    ResolveResult ResolveFlag(std::int64_t flag_id, const std::string& reply);

    // The same actions inside a unit the caller runs (the staff commands in a
    // chat, where the command's dedupe and replies share the unit). The staff
    // chats are told of a cancellation too.
    static CancelResult CancelBookingIn(UnitOfWork& unit, const Business& business,
                                        std::int64_t booking_id, TimePoint now);
    static ResolveResult ResolveFlagIn(UnitOfWork& unit, const Business& business,
                                       std::int64_t flag_id, const std::string& reply,
                                       TimePoint now);

private:
    // `find` the subject; if found, `change` it (false: it was already done);
    // if changed, `follow` up.
    template <typename R, typename Find, typename Change, typename Follow>
    static R ActIn(UnitOfWork& unit, TimePoint now, Find find, Change change, Follow follow) {
        R result;
        result.found = find(unit);
        if (!result.found) return result;
        if (!change(unit, now)) {
            result.outcome = Outcome::kAlreadyDone;
            return result;
        }
        follow(unit, now, result);
        result.outcome = Outcome::kDone;
        return result;
    }

    Store& store_;
    const Business& business_;
    const Clock& clock_;
};

}  // namespace bookbot::core
