#include "chat_command.hpp"

#include <unistd.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "bookbot/core/engine.hpp"
#include "cli_support.hpp"
#include "config.hpp"
#include "console/console_chat.hpp"

namespace bookbot::app {

void AddChatCommand(CLI::App& app) {
    struct Options {
        std::string db;
        std::string user = "local";
        std::optional<std::string> config;
    };
    auto options = std::make_shared<Options>();
    CLI::App* chat = app.add_subcommand(
        "chat",
        "Talk to the bot in this terminal, with no platform token: the same engine and store "
        "as Telegram and WhatsApp. Type a button's number to press it; anything else is sent as "
        "text. Reads lines from a pipe too, and exits at end of input.");
    AddDatabaseOption(*chat, options->db);
    chat->add_option("--user", options->user,
                     "Who you are in the conversation; the same id continues it later")
        ->capture_default_str();
    AddConfigOption(*chat, options->config);
    chat->callback([options] {
        auto store = OpenCliStore(options->db);
        store->Migrate(core::SystemClock().Now());
        store->RequireCurrentSchema();
        const core::Business business = LoadBusinessOrDemo(options->config);
        const core::SystemClock clock;
        core::Engine engine(*store, business, clock);
        transports::console::ConsoleChat console(engine, *store, clock, options->user);

        const bool interactive = isatty(STDIN_FILENO) != 0;
        if (interactive) {
            std::cout << "bookbot chat with " << business.name << " as user '" << options->user
                      << "' (" << store->RedactedUrl() << "). Ctrl-D ends.\n";
        }
        console.Resume(std::cout);
        // Out now, not when the buffer fills: whoever drives the chat through
        // a pipe sees that it is ready for input (tests start racers this way).
        std::cout << std::flush;
        std::string line;
        while (true) {
            if (interactive) std::cout << "> " << std::flush;
            if (!std::getline(std::cin, line)) break;
            if (line.empty()) continue;
            console.HandleLine(line, std::cout);
        }
    });
}

}  // namespace bookbot::app
