#pragma once

#include <CLI/CLI.hpp>

namespace bookbot::app {

void AddServeCommand(CLI::App& app);

}  // namespace bookbot::app
