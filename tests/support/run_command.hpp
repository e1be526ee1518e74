#pragma once

#include <string>

namespace bookbot::testing {

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr, interleaved
};

// Runs `command` with /bin/sh and waits for it. Not for untrusted input.
CommandResult RunCommand(const std::string& command);

// `text` quoted for /bin/sh.
std::string ShellQuote(const std::string& text);

}  // namespace bookbot::testing
