#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bookbot/core/log.hpp"

namespace bookbot::app {

// How log lines look. Either way: stderr, one event per line (journald keeps
// them as they are), with a UTC timestamp and a level.
//   text: 2026-11-25T10:00:00.123Z info serve.listening address=127.0.0.1:8080
//   json: {"ts":"2026-11-25T10:00:00.123Z","level":"info","event":"serve.listening",...}
enum class LogFormat { kText, kJson };

// Throws std::invalid_argument naming the allowed values.
LogFormat ParseLogFormat(std::string_view name);
core::log::Level ParseLogLevel(std::string_view name);

// Installs the stderr sink in `format` for events at `min_level` and above.
void ConfigureLogging(LogFormat format, core::log::Level min_level);

// Registers a secret (a token, a password, a webhook secret): from now on any
// occurrence of it in a log line is written as "***". Defence in depth:
// callers do not log secrets in the first place. Empty strings are ignored.
void AddSecret(const std::string& secret);

// `line` with every registered secret masked.
std::string Redact(std::string line);

// One event rendered as a line (without the newline), before redaction; for tests.
std::string FormatEvent(LogFormat format, std::string_view timestamp, core::log::Level level,
                        std::string_view event, const std::vector<core::log::Field>& fields);

}  // namespace bookbot::app
