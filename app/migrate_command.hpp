#pragma once

#include <CLI/CLI.hpp>

namespace bookbot::app {

// `bookbot migrate [--db URL]` and `bookbot migrate status [--db URL]`.
void AddMigrateCommand(CLI::App& app);

}  // namespace bookbot::app
