#include "admin_support.hpp"

#include "cli_support.hpp"

namespace bookbot::app {

CLI::App* AddCommandGroup(CLI::App& app, const std::string& name, const std::string& help) {
    CLI::App* group = app.add_subcommand(name, help);
    group->require_subcommand(1);
    return group;
}

CLI::App* AddAdminCommand(CLI::App& group, const std::string& name, const std::string& help,
                          AdminOptions& options) {
    CLI::App* command = group.add_subcommand(name, help);
    AddDatabaseOption(*command, options.db);
    command->add_flag("--json", options.json, "Print JSON instead of a table");
    return command;
}

void AddIdArgument(CLI::App& command, std::int64_t& id, const std::string& what,
                   const std::string& list_command) {
    command.add_option("ID", id, "The " + what + "'s id (see `bookbot " + list_command + "`)")
        ->required();
}

void AddCountOption(CLI::App& command, const std::string& name, std::int64_t& count,
                    const std::string& help) {
    command.add_option(name, count, help)->capture_default_str()->check(CLI::PositiveNumber);
}

CLI::App* AddBusinessCommand(CLI::App& group, const std::string& name, const std::string& help,
                             AdminOptions& options) {
    CLI::App* command = AddAdminCommand(group, name, help, options);
    command
        ->add_option("--config", options.config,
                     "The business's TOML file, for its time zone and texts; default: the "
                     "built-in demo business")
        ->envname("BOOKBOT_CONFIG");
    return command;
}

std::unique_ptr<core::Store> OpenAdminStore(const std::string& url) {
    auto store = OpenCliStore(url);
    store->RequireCurrentSchema();
    return store;
}

TextTable MessagesTable(const std::vector<core::ConversationMessage>& messages) {
    TextTable table{{"AT", "DIR", "TEXT"}, {}, {}};
    for (const auto& m : messages) {
        table.rows.push_back(
            {FormatIsoUtc(m.at), std::string(core::ToString(m.direction)), m.text});
    }
    return table;
}

nlohmann::json MessagesJson(const std::vector<core::ConversationMessage>& messages) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& m : messages) {
        list.push_back({{"id", JsonId(m.id)},
                        {"direction", core::ToString(m.direction)},
                        {"text", m.text},
                        {"at", FormatIsoUtc(m.at)}});
    }
    return list;
}

void Report(const AdminOptions& options, const std::string& text, const nlohmann::json& json) {
    if (options.json) {
        PrintJson(json, stdout);
    } else {
        std::printf("%s\n", text.c_str());
    }
}

}  // namespace bookbot::app
