#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bookbot/core/business.hpp"

namespace bookbot::app {

// The business configuration: a TOML file (see packaging/bookbot.toml for the
// complete, commented format) plus a few environment overrides. Everything is
// parsed and checked up front, so a typo stops the bot at start-up with a
// message that says where and what, rather than surfacing in a chat.

// Any problem with the configuration. The message names the source (file path
// or environment variable), the line when known ("bookbot.toml:12: "), the
// key as a dotted path (`business.time_zone`, `hours.mon[1]`,
// `services[2].duration_minutes`; array indexes are 0-based), what is wrong
// and what is allowed. TOML syntax errors read "file:line:column: TOML syntax
// error: <toml++'s description>".
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Looks up an environment variable; nullopt when it is not set. Injectable so
// tests need no real environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (std::getenv).
std::optional<std::string> ProcessEnv(const std::string& name);

// Environment overrides, applied after the file (or over the demo business).
// A variable that is unset or empty is ignored. A bad value throws
// ConfigError naming the variable.
// - An IANA zone name, e.g. "Europe/Berlin"; replaces business.time_zone.
inline constexpr const char* kEnvTimeZone = "BOOKBOT_TIME_ZONE";
// - Whole minutes, 1..kMaxSessionTtlMinutes; replaces business.session_ttl_minutes.
inline constexpr const char* kEnvSessionTtlMinutes = "BOOKBOT_SESSION_TTL_MINUTES";
// - Any non-blank text; replaces business.name.
inline constexpr const char* kEnvBusinessName = "BOOKBOT_BUSINESS_NAME";

// - Comma-separated Telegram chat ids; replaces staff.telegram_chat_ids.
inline constexpr const char* kEnvStaffTelegramChatIds = "BOOKBOT_STAFF_TELEGRAM_CHAT_IDS";

// Upper bounds of the numeric settings (lower bounds are in packaging/bookbot.toml).
inline constexpr int kMaxSessionTtlMinutes = 7 * 24 * 60;
inline constexpr int kMaxNoticeMinutes = 60 * 24 * 60;  // minimum notice and change cutoff
inline constexpr int kMaxResources = 1000;
inline constexpr int kMaxReminderLeadHours = 30 * 24;

// Parses TOML `text` (named `source_name` in messages, normally the file's
// path) into a Business, applies the environment overrides and checks the
// result with core::Validate. Keys that are absent take the defaults declared
// in core::Business and core::ScheduleRules; business.name,
// business.time_zone (either may come from the environment instead),
// [hours] with at least one open day, and at least one [[services]] are
// required. Unknown keys are errors. Throws ConfigError.
core::Business ParseBusinessConfig(std::string_view text, const std::string& source_name,
                                   const EnvLookup& env = ProcessEnv);

// Reads the file at `path` and parses it as ParseBusinessConfig does. A
// missing or unreadable file throws ConfigError saying so.
core::Business LoadBusinessConfig(const std::string& path, const EnvLookup& env = ProcessEnv);

// LoadBusinessConfig(*path) when a path is given; otherwise core::DemoBusiness()
// with the environment overrides applied and validated. Throws ConfigError.
core::Business LoadBusinessOrDemo(const std::optional<std::string>& path,
                                  const EnvLookup& env = ProcessEnv);

}  // namespace bookbot::app
