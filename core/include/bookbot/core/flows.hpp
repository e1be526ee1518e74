#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bookbot/core/business.hpp"
#include "bookbot/core/messages.hpp"
#include "bookbot/core/session.hpp"
#include "bookbot/core/store.hpp"

namespace bookbot::core {

// One step of a conversation, as the flows see it.
struct FlowInput {
    Inbound::Kind kind = Inbound::Kind::kText;
    std::string text;         // typed text (kText)
    std::string action;       // the button's action, version stamp removed (kButton)
    bool stale = false;       // a button from an older message than the session's
    bool expired = false;     // the previous session timed out
    bool slot_taken = false;  // a first attempt found the chosen time taken
    // A new customer: no session and no history. Whatever they write first is
    // answered with the greeting and the menu.
    bool first_contact = false;
    TimePoint now{};
    std::string customer;  // how staff notifications name the customer
};

// Thrown by a flow when the time it was booking turned out to be taken: the
// engine rolls the unit back (so a reschedule keeps the old time) and runs the
// step again with FlowInput::slot_taken set.
class SlotTaken : public std::runtime_error {
public:
    SlotTaken() : std::runtime_error("slot taken") {}
};

// Runs one step: updates `session` (context and step history) and returns the
// replies. Reads and writes bookings and flags only through `unit`; reads no
// clock and does no I/O of its own. Buttons carry bare actions; the engine
// stamps them with the session version.
// The buttons of a reminder, "rm:<ok|rs|cx>:<booking id>" ("See you then",
// "Reschedule", "Cancel"). They are not stamped with a session version: they
// go out with no conversation going on and must work whenever pressed, so
// the flow checks them against the booking's current state instead (the
// presser's own, still confirmed, not started), never as stale.
bool IsReminderAction(std::string_view action);
std::string ReminderAction(std::string_view verb, std::int64_t booking_id);

std::vector<Reply> RunFlow(const Business& business, Session& session, const FlowInput& input,
                           UnitOfWork& unit);

}  // namespace bookbot::core
