#pragma once

// Customers' commands: the one place that says which typed texts are
// commands ("/book", "/book@ShopBot", "book"), on every platform alike, and
// which commands a platform registers in its menu (Telegram's setMyCommands).
// Staff commands in staff chats are not customer commands: they are routed
// before these, and a non-staff chat never reaches them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bookbot/core/business.hpp"

namespace bookbot::core {

enum class CustomerCommand {
    kStart,     // greeting and menu ("/start", "/menu")
    kBook,      // start booking: the service list
    kBookings,  // my bookings
    kCancel,    // leave the current flow, back to the menu (books and cancels nothing)
    kHelp,      // what the bot can do, then the current step again
};

// The command `text` names, or nullopt for any other text. Accepted: the
// command's name with a leading '/', optionally addressed to a bot as
// Telegram does in groups ("/book@ShopBot"), or the bare word as a WhatsApp
// user types it ("book", "Book"). Surrounding spaces and case do not matter;
// anything after the command ("/book now") makes it ordinary text.
std::optional<CustomerCommand> ParseCustomerCommand(std::string_view text);

// The command that moves the customer even while a person has their
// conversation (a hand-off): "/start", "/book", "/bookings", "/cancel" typed
// with the slash, as the menu's buttons would. nullopt for "/help" and bare
// words: those are text for that person. The flows and the hand-off relay
// (staff.cpp) both ask this, so they cannot disagree.
std::optional<CustomerCommand> HandOffCommand(std::string_view text);

// One entry of a platform's command menu.
struct CommandEntry {
    std::string command;      // without '/', [a-z0-9_]{1,32}
    std::string description;  // the text "command_<command>" of the business
};

// The commands a platform shows in its menu, in menu order, with the
// business's (configurable) descriptions.
std::vector<CommandEntry> CustomerCommandMenu(const Business& business);

}  // namespace bookbot::core
