#pragma once

#include <CLI/CLI.hpp>

namespace bookbot::app {

// `bookbot telegram set-webhook | delete-webhook | webhook-info`.
void AddTelegramCommand(CLI::App& app);

}  // namespace bookbot::app
