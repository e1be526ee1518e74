#pragma once

#include <CLI/CLI.hpp>

namespace bookbot::app {

// `bookbot doctor`: checks a deployment's settings and prints one line per check.
void AddDoctorCommand(CLI::App& app);

}  // namespace bookbot::app
