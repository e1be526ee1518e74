#pragma once

#include <CLI/CLI.hpp>

namespace bookbot::app {

// `bookbot chat [--db URL] [--user ID]`: talk to the bot in the terminal.
void AddChatCommand(CLI::App& app);

}  // namespace bookbot::app
