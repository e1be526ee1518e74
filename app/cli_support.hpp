#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "bookbot/core/store.hpp"

namespace bookbot::app {

// Where the store lives when neither --db nor BOOKBOT_DATABASE_URL says: a
// SQLite file under ./data, which is created on first use.
inline constexpr const char* kDefaultDatabaseUrl = "sqlite://data/bookbot.db";

// Adds the --db option every store-opening command shares.
void AddDatabaseOption(CLI::App& command, std::string& url);

// Adds the --config option (the business's TOML file) every command that runs
// the bot shares; its help names the environment overrides too.
inline void AddConfigOption(CLI::App& command, std::optional<std::string>& path) {
    command
        .add_option("--config", path,
                    "The business's TOML file (see packaging/bookbot.toml); default: a built-in "
                    "demo barber shop. BOOKBOT_TIME_ZONE, BOOKBOT_BUSINESS_NAME and "
                    "BOOKBOT_SESSION_TTL_MINUTES override its settings")
        ->envname("BOOKBOT_CONFIG");
}

// Opens the store `url` names (creating ./data for the default URL only).
std::unique_ptr<core::Store> OpenCliStore(const std::string& url);

}  // namespace bookbot::app
