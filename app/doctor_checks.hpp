#pragma once

// The checks `bookbot doctor` runs: each looks at one thing a deployment needs
// (configuration, database, schema, time zone, listen port, Telegram) and says
// in one line whether it is fine and, when not, what to do about it. Checks
// only look: they create no database file, apply no migration and change
// nothing at Telegram.

#include <optional>
#include <string>
#include <vector>

#include "telegram_settings.hpp"

namespace bookbot::app {

struct CheckResult {
    enum class Status { kOk, kFail, kSkip };

    std::string check;  // "database reachable"
    Status status = Status::kOk;
    // kOk: what was found; kFail: what is wrong; kSkip: why it does not apply.
    std::string detail;
    std::string fix;  // kFail only: what to do
};

// "ok", "fail" or "skip".
const char* StatusName(CheckResult::Status status);

struct DoctorOptions {
    std::string db;  // empty: the default URL
    std::optional<std::string> config;
    std::string listen = "127.0.0.1:8080";
    TelegramSettings telegram;
    std::string telegram_mode = "auto";  // as `serve --telegram`: auto, webhook, polling, off
    int telegram_timeout_seconds = 10;
    bool json = false;
};

// Runs every check, in a fixed order; a check whose input an earlier one found
// broken is a kSkip saying so. Never throws for what it checks.
std::vector<CheckResult> RunDoctorChecks(DoctorOptions& options);

}  // namespace bookbot::app
