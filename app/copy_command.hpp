#pragma once

#include <CLI/CLI.hpp>

namespace bookbot::app {

// `bookbot copy --from URL --to URL [--resume] [--batch N]`.
void AddCopyCommand(CLI::App& app);

}  // namespace bookbot::app
