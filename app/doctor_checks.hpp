#pragma once

// The checks `bookbot doctor` runs: each looks at one thing a deployment needs
// (configuration, database, schema, time zone, listen port, each platform) and says
// in one line whether it is fine and, when not, what to do about it. Checks
// only look: they create no database file, apply no migration and change
// nothing at Telegram.

#include <optional>
#include <string>
#include <vector>

#include "platforms.hpp"

namespace bookbot::app {

using transports::CheckResult;

// "ok", "fail" or "skip".
const char* StatusName(CheckResult::Status status);

struct DoctorOptions {
    std::string db;  // empty: the default URL
    std::optional<std::string> config;
    std::string listen = "127.0.0.1:8080";
    std::string whatsapp_reminder_template;  // as serve's option
    bool json = false;
};

// Runs every check, in a fixed order, then each platform's own (they take the
// same settings as serve); a check whose input an earlier one found broken is
// a kSkip saying so. Never throws for what it checks.
std::vector<CheckResult> RunDoctorChecks(const DoctorOptions& options, Platforms& platforms);

}  // namespace bookbot::app
