#pragma once

#include <CLI/CLI.hpp>

namespace bookbot::app {

// The operator's commands. Each takes --db like the others and --json for
// machine-readable output; failures (an unknown id, say) exit 1, usage errors 2.

// `bookbot bookings list [--from DATE] [--to DATE]`, `bookbot bookings cancel ID`.
void AddBookingsCommand(CLI::App& app);
// `bookbot flags list`, `bookbot flags resolve ID [--reply TEXT]`.
void AddFlagsCommand(CLI::App& app);
// `bookbot sessions show PLATFORM USER`, `bookbot sessions sweep`.
void AddSessionsCommand(CLI::App& app);
// `bookbot outbox list [--dead]`, `bookbot outbox retry ID`.
void AddOutboxCommand(CLI::App& app);
// `bookbot staff link [--minutes N]`, `bookbot staff list`, `bookbot staff remove PLATFORM CHAT`.
void AddStaffCommand(CLI::App& app);

}  // namespace bookbot::app
