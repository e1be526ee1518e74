// Every command's --help, and how usage errors are reported.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "run_command.hpp"

namespace bookbot::testing {
namespace {

CommandResult Bookbot(const std::string& args) {
    return RunCommand("env -u BOOKBOT_DATABASE_URL " BOOKBOT_BINARY " " + args);
}

struct HelpCase {
    std::string command;
    std::vector<std::string> mentions;  // environment variables, options, defaults
};

const std::vector<std::string> kTelegramEnv = {"TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_TOKEN_FILE",
                                               "TELEGRAM_API_BASE_URL", "https://api.telegram.org"};

std::vector<std::string> Plus(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

TEST_CASE("every command's --help exits 0 and names its environment variables", "[cli]") {
    const std::vector<std::string> db = {"--db", "BOOKBOT_DATABASE_URL",
                                         "sqlite://data/bookbot.db"};
    const std::vector<std::string> config = {"--config", "BOOKBOT_CONFIG", "BOOKBOT_TIME_ZONE",
                                             "BOOKBOT_BUSINESS_NAME",
                                             "BOOKBOT_SESSION_TTL_MINUTES"};
    const std::vector<HelpCase> cases = {
        {"",
         {"BOOKBOT_LOG_FORMAT", "BOOKBOT_LOG_LEVEL", "BOOKBOT_DATABASE_URL", "chat", "doctor",
          "migrate", "serve", "telegram", "version"}},
        {"chat", Plus(Plus(db, config), {"--user", "=local"})},
        {"migrate", db},
        {"migrate status", db},
        {"serve",
         Plus(Plus(Plus(db, config), kTelegramEnv),
              {"BOOKBOT_LISTEN", "127.0.0.1:8080", "TELEGRAM_WEBHOOK_SECRET",
               "BOOKBOT_TELEGRAM_MODE", "BOOKBOT_TELEGRAM_WEBHOOK_PATH", "BOOKBOT_BODY_LIMIT",
               "BOOKBOT_MAX_CONCURRENT", "BOOKBOT_HANDLER_THREADS", "BOOKBOT_DRAIN_SECONDS",
               "BOOKBOT_SWEEP_SECONDS", "BOOKBOT_TELEGRAM_POLL_TIMEOUT", "BOOKBOT_TELEGRAM_TIMEOUT",
               "BOOKBOT_DISPATCHERS", "BOOKBOT_SEND_RATE", "BOOKBOT_CHAT_RATE"})},
        {"telegram", {"set-webhook", "delete-webhook", "webhook-info", "TELEGRAM_BOT_TOKEN"}},
        {"telegram set-webhook", Plus(kTelegramEnv, {"--url", "TELEGRAM_WEBHOOK_SECRET"})},
        {"telegram delete-webhook", Plus(kTelegramEnv, {"--drop-pending"})},
        {"telegram webhook-info", kTelegramEnv},
        {"version", {"version, build type and compiled-in backends"}},
        {"doctor", Plus(Plus(Plus(db, config), kTelegramEnv),
                        {"BOOKBOT_LISTEN", "127.0.0.1:8080", "TELEGRAM_WEBHOOK_SECRET",
                         "BOOKBOT_TELEGRAM_MODE", "BOOKBOT_TELEGRAM_TIMEOUT", "--json"})},
    };
    for (const HelpCase& c : cases) {
        const CommandResult r = Bookbot(c.command + " --help");
        INFO("bookbot " << c.command << " --help\n" << r.output);
        CHECK(r.exit_code == 0);
        for (const std::string& text : c.mentions) CHECK_THAT(r.output, Catch::Contains(text));
    }
}

TEST_CASE("usage errors exit 2 with a message naming the problem", "[cli]") {
    struct UsageCase {
        std::string args;
        std::string says;
    };
    const std::vector<UsageCase> cases = {
        {"", "A subcommand is required"},
        {"no-such-command", "bookbot: unknown command 'no-such-command'"},
        {"telegram no-such-command", "bookbot telegram: unknown command 'no-such-command'"},
        {"version --no-such-option", "--no-such-option"},
        {"doctor --no-such-option", "--no-such-option"},
        {"doctor --db", "--db"},
        {"doctor --telegram sometimes", "sometimes"},
        {"serve --listen", "--listen"},
        {"serve --handler-threads 0", "--handler-threads"},
        {"chat --user", "--user"},
        {"migrate status --db", "--db"},
        {"telegram", "A subcommand is required"},
        {"telegram set-webhook", "--url is required"},
        {"--log-level loud version", "loud"},
    };
    for (const UsageCase& c : cases) {
        const CommandResult r = Bookbot(c.args);
        INFO("bookbot " << c.args << "\n" << r.output);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.output, Catch::Contains(c.says) && Catch::Contains("Run with --help"));
    }
}

}  // namespace
}  // namespace bookbot::testing
