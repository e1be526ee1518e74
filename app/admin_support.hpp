#pragma once

// What the admin commands share.

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bookbot/core/records.hpp"
#include "bookbot/core/store.hpp"
#include "table_output.hpp"

namespace bookbot::app {

// A failure to report as "bookbot: error: …" with exit status 1.
class CommandFailed : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The options every admin command has.
struct AdminOptions {
    std::string db;
    bool json = false;
    std::optional<std::string> config;  // commands that need the business only
};

// Adds a group of commands (`bookbot bookings …`): one of them must be named.
CLI::App* AddCommandGroup(CLI::App& app, const std::string& name, const std::string& help);

// Adds `name` under `group` with --db and --json.
CLI::App* AddAdminCommand(CLI::App& group, const std::string& name, const std::string& help,
                          AdminOptions& options);

// AddAdminCommand plus --config (BOOKBOT_CONFIG), as `bookbot chat` has it:
// for commands that need the business's time zone or texts.
CLI::App* AddBusinessCommand(CLI::App& group, const std::string& name, const std::string& help,
                             AdminOptions& options);

// Adds the required positional ID of `what` ("booking"), listed by `list_command`.
void AddIdArgument(CLI::App& command, std::int64_t& id, const std::string& what,
                   const std::string& list_command);

// Adds a positive count option (--limit, --messages) with its default shown.
void AddCountOption(CLI::App& command, const std::string& name, std::int64_t& count,
                    const std::string& help);

// Opens the store and checks it has this binary's schema (never migrates:
// that is `bookbot migrate`'s job).
std::unique_ptr<core::Store> OpenAdminStore(const std::string& url);

// The newest `limit` messages of a conversation, as a table and as JSON.
TextTable MessagesTable(const std::vector<core::ConversationMessage>& messages);
nlohmann::json MessagesJson(const std::vector<core::ConversationMessage>& messages);

// Prints `text` and a newline, or `json` with --json.
void Report(const AdminOptions& options, const std::string& text, const nlohmann::json& json);

}  // namespace bookbot::app
