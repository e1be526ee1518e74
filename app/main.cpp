// bookbot: the command line, and the wiring of core, backends and transports.

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "admin_commands.hpp"
#include "bookbot/backends/open_store.hpp"
#include "bookbot/core/storage_error.hpp"
#include "chat_command.hpp"
#include "cli_support.hpp"
#include "copy_command.hpp"
#include "doctor_command.hpp"
#include "logging.hpp"
#include "migrate_command.hpp"
#include "serve_command.hpp"
#include "telegram_command.hpp"

namespace bookbot::app {

void AddDatabaseOption(CLI::App& command, std::string& url) {
    command
        .add_option("--db", url,
                    "Database URL: sqlite:///abs/path.db, sqlite://relative/path.db or "
                    "postgres://user:password@host:port/database")
        ->envname("BOOKBOT_DATABASE_URL")
        ->default_str(kDefaultDatabaseUrl);
}

std::unique_ptr<core::Store> OpenCliStore(const std::string& url) {
    if (url.empty() || url == kDefaultDatabaseUrl) {
        std::filesystem::create_directories("data");
        return backends::OpenStore(kDefaultDatabaseUrl);
    }
    return backends::OpenStore(url);
}

namespace {

void AddVersionCommand(CLI::App& app) {
    app.add_subcommand("version", "Print the version, build type and compiled-in backends.")
        ->callback([] {
            std::printf("bookbot %s (%s build)\nbackends: sqlite%s\n", BOOKBOT_VERSION,
                        BOOKBOT_BUILD_TYPE, backends::HasPostgres() ? ", postgres" : "");
        });
}

}  // namespace

// The CLI; main() below only adds a last catch for what escapes set-up.
int Main(int argc, char** argv) {
#if defined(M_ARENA_MAX)
    // glibc gives each thread that allocates its own arena (up to 8 per core),
    // and each keeps what it freed: a burst of large requests on the handler
    // threads then stays in RSS. Two arenas keep the peak and the aftermath
    // bounded at no measurable cost to throughput here.
    mallopt(M_ARENA_MAX, 2);
#endif
    CLI::App app{
        "bookbot: a self-hosted appointment-booking chat bot for Telegram and WhatsApp.\n"
        "Conversation state lives in the database named by --db / BOOKBOT_DATABASE_URL\n"
        "(default: sqlite://data/bookbot.db)."};
    app.require_subcommand(1);
    std::string log_format = "text";
    std::string log_level = "info";
    auto check = [](auto parse) {
        return [parse](const std::string& value) {
            try {
                parse(value);
                return std::string();
            } catch (const std::invalid_argument& e) {
                return std::string(e.what());
            }
        };
    };
    app.add_option("--log-format", log_format, "Log lines on stderr: text or json")
        ->envname("BOOKBOT_LOG_FORMAT")
        ->check(check(bookbot::app::ParseLogFormat))
        ->capture_default_str();
    app.add_option("--log-level", log_level,
                   "Least severe log level shown: debug, info, warn, error")
        ->envname("BOOKBOT_LOG_LEVEL")
        ->check(check(bookbot::app::ParseLogLevel))
        ->capture_default_str();
    // Runs after the options are parsed and before any subcommand runs.
    app.parse_complete_callback([&] {
        bookbot::app::ConfigureLogging(bookbot::app::ParseLogFormat(log_format),
                                       bookbot::app::ParseLogLevel(log_level));
    });
    bookbot::app::AddChatCommand(app);
    bookbot::app::AddCopyCommand(app);
    bookbot::app::AddBookingsCommand(app);
    bookbot::app::AddFlagsCommand(app);
    bookbot::app::AddSessionsCommand(app);
    bookbot::app::AddOutboxCommand(app);
    bookbot::app::AddStaffCommand(app);
    bookbot::app::AddDoctorCommand(app);
    bookbot::app::AddMigrateCommand(app);
    bookbot::app::AddServeCommand(app);
    bookbot::app::AddTelegramCommand(app);
    bookbot::app::AddVersionCommand(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // "bookbot no-such-command" fails as "a subcommand is required" before
        // CLI11 mentions the word it did not know: name that word instead.
        const CLI::App* command = &app;
        std::string name = "bookbot";
        while (!command->get_subcommands().empty()) {
            command = command->get_subcommands().front();
            name += " " + command->get_name();
        }
        if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr &&
            !command->remaining().empty()) {
            std::fprintf(stderr,
                         "%s: unknown command '%s'\nRun with --help for more information.\n",
                         name.c_str(), command->remaining().front().c_str());
            return 2;
        }
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;  // usage errors: 2, like other Unix tools
    } catch (const bookbot::core::StorageError& e) {
        std::fprintf(stderr, "bookbot: error (%s): %s\n",
                     std::string(bookbot::core::KindName(e.kind())).c_str(), e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bookbot: error: %s\n", e.what());
        return 1;
    }
    return 0;
}

}  // namespace bookbot::app

int main(int argc, char** argv) {
    try {
        return bookbot::app::Main(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bookbot: error: %s\n", e.what());
    } catch (...) {
        std::fputs("bookbot: error: unknown exception\n", stderr);
    }
    return 1;
}
