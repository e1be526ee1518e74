#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "bookbot/core/store.hpp"

namespace bookbot::app {

// Where the store lives when neither --db nor BOOKBOT_DATABASE_URL says: a
// SQLite file under ./data, which is created on first use.
inline constexpr const char* kDefaultDatabaseUrl = "sqlite://data/bookbot.db";

// Adds the --db option every store-opening command shares.
void AddDatabaseOption(CLI::App& command, std::string& url);

// Opens the store `url` names (creating ./data for the default URL only).
std::unique_ptr<core::Store> OpenCliStore(const std::string& url);

}  // namespace bookbot::app
