// `bookbot doctor`, the real binary, against real databases, a fake Bot API
// on real HTTP and real sockets.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fake_bot_api.hpp"
#include "fake_graph_api.hpp"
#include "run_command.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

constexpr const char* kToken = "987654321:AAF-doctor-token_for-the-fake-api-0001";
constexpr const char* kTokenSecretHalf = "AAF-doctor-token_for-the-fake-api-0001";
constexpr const char* kWebhookSecret = "doctor-Webhook_secret-42";
constexpr const char* kWaToken = "EAAGdoctor-whatsapp-token-for-the-fake-graph-api";
constexpr const char* kWaNumberId = "106540352242922";
constexpr const char* kWaAppSecret = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
constexpr const char* kWaVerifyToken = "doctor-verify-token";

// Every check doctor runs, in its order.
const std::vector<std::string> kChecks = {
    "configuration",    "time zone",         "reminders",          "database url",
    "sqlite directory", "sqlite local disk", "database reachable", "schema",
    "staff chats",      "listen port",       "telegram token",     "telegram webhook",
    "whatsapp",  // skipped: no WhatsApp settings
    "webhook paths"};

// A loopback TCP socket, bound (and listening when asked) until it goes.
class Socket {
public:
    explicit Socket(bool listening) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        if (listening) REQUIRE(listen(fd_, 1) == 0);
        socklen_t size = sizeof address;
        REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) == 0);
        port_ = ntohs(address.sin_port);
    }
    ~Socket() { close(fd_); }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    std::string Address() const { return "127.0.0.1:" + std::to_string(port_); }

private:
    int fd_;
    int port_ = 0;
};

// A loopback address no one listens on (just now).
std::string FreeAddress() { return Socket(false).Address(); }

struct Doctor {
    explicit Doctor(std::string db_url) : db(std::move(db_url)) {}

    std::string db;
    std::string listen = FreeAddress();
    std::string env;  // "NAME=value …" for the command line
    std::string args;

    // stdout and stderr; `stdout_only` drops stderr (for --json).
    CommandResult Run(bool stdout_only = false) const {
        // The test's own environment must not leak into what doctor checks.
        const std::string clean =
            "env -u TELEGRAM_BOT_TOKEN -u TELEGRAM_BOT_TOKEN_FILE -u TELEGRAM_WEBHOOK_SECRET "
            "-u TELEGRAM_API_BASE_URL -u BOOKBOT_TELEGRAM_MODE -u BOOKBOT_CONFIG -u BOOKBOT_LISTEN "
            "-u BOOKBOT_DATABASE_URL -u BOOKBOT_TIME_ZONE ";
        return RunCommand(clean + env + " " BOOKBOT_BINARY " doctor --db " + ShellQuote(db) +
                          " --listen " + listen + " " + args + (stdout_only ? " 2>/dev/null" : ""));
    }
};

// The line doctor printed for `check` ("OK   schema: …"), or "" if none.
std::string Line(const std::string& output, const std::string& check) {
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.size() > 5 && line.compare(5, check.size() + 1, check + ":") == 0) return line;
    }
    return {};
}

std::string Migrated(const TestDatabase& db) {
    const CommandResult r = RunCommand(BOOKBOT_BINARY " migrate --db " + ShellQuote(db.Url()));
    REQUIRE(r.exit_code == 0);
    return db.Url();
}

std::string WithToken(const FakeBotApi& api) {
    return std::string("TELEGRAM_BOT_TOKEN=") + kToken +
           " TELEGRAM_API_BASE_URL=" + ShellQuote(api.BaseUrl());
}

void CheckFailed(const CommandResult& r, const std::string& check, const std::string& problem,
                 const std::string& fix) {
    INFO(r.output);
    CHECK(r.exit_code == 1);
    const std::string line = Line(r.output, check);
    CHECK_THAT(line, Catch::StartsWith("FAIL " + check + ": ") && Catch::Contains(problem) &&
                         Catch::Contains(" — fix: " + fix));
}

void CheckNoSecrets(const CommandResult& r) {
    CHECK_THAT(r.output, !Catch::Contains(kTokenSecretHalf) && !Catch::Contains(kWebhookSecret) &&
                             !Catch::Contains("hunter2"));
}

TEST_CASE("doctor: every check passes on a migrated database with a working bot", "[doctor]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kToken);
    Doctor doctor{Migrated(*db)};
    doctor.env = WithToken(api);
    const CommandResult r = doctor.Run();
    INFO(r.output);
    CHECK(r.exit_code == 0);
    const bool sqlite = TestDatabase::Backend() == "sqlite";
    for (const std::string& check : kChecks) {
        // Telegram polls here: no webhook path to check; no staff chat configured.
        const bool applies = (sqlite || check.rfind("sqlite", 0) != 0) && check != "whatsapp" &&
                             check != "webhook paths" && check != "staff chats";
        CHECK_THAT(Line(r.output, check), Catch::StartsWith(applies ? "OK   " : "SKIP "));
    }
    CHECK_THAT(Line(r.output, "configuration"), Catch::Contains("demo business"));
    CHECK_THAT(Line(r.output, "schema"), Catch::Contains("current (version"));
    CHECK_THAT(Line(r.output, "telegram token"), Catch::Contains("bot @fake_bot"));
    CHECK_THAT(Line(r.output, "telegram webhook"),
               Catch::Contains("no webhook set") && Catch::Contains("(serve: long polling)"));
    CHECK_THAT(r.output, !Catch::Contains("FAIL"));
    CheckNoSecrets(r);
}

TEST_CASE("doctor: a webhook matching the secret passes; --json lists the results", "[doctor]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kToken);
    api.SetWebhookState({"https://bot.example.com/telegram/webhook", 3, ""});
    Doctor doctor{Migrated(*db)};
    doctor.env = WithToken(api) + " TELEGRAM_WEBHOOK_SECRET=" + kWebhookSecret;
    doctor.args = "--json";
    const CommandResult r = doctor.Run(true);
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CheckNoSecrets(r);
    const auto results = nlohmann::json::parse(r.output);
    REQUIRE(results.size() == kChecks.size());
    const auto webhook_check = static_cast<std::size_t>(
        std::find(kChecks.begin(), kChecks.end(), "telegram webhook") - kChecks.begin());
    for (std::size_t i = 0; i < kChecks.size(); ++i) {
        CHECK(results[i]["check"] == kChecks[i]);
        CHECK(results[i]["status"] != "fail");
    }
    CHECK(results[webhook_check]["status"] == "ok");
    CHECK_THAT(results[webhook_check]["detail"].get<std::string>(),
               Catch::Contains("webhook https://bot.example.com/telegram/webhook") &&
                   Catch::Contains("3 pending update(s)") && Catch::Contains("(serve: webhook)"));
}

TEST_CASE("doctor: webhook paths must not clash with each other or serve's own", "[doctor]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kToken);
    api.SetWebhookState({"https://bot.example.com/metrics", 0, ""});
    Doctor doctor{Migrated(*db)};
    doctor.env = WithToken(api) + " TELEGRAM_WEBHOOK_SECRET=" + kWebhookSecret;
    SECTION("Telegram's on /metrics") {
        doctor.args = "--webhook-path /metrics";
        CheckFailed(doctor.Run(), "webhook paths",
                    "telegram's webhook and serve's own /metrics are both on the path '/metrics'",
                    "pass another --webhook-path or --whatsapp-webhook-path");
    }
    SECTION("Telegram and WhatsApp on one path") {
        doctor.env +=
            " WHATSAPP_ACCESS_TOKEN=EAAGdoctor WHATSAPP_PHONE_NUMBER_ID=106540352242922"
            " WHATSAPP_APP_SECRET=0a1b2c3d WHATSAPP_VERIFY_TOKEN=verify-me";
        doctor.args =
            "--webhook-path /hooks --whatsapp-webhook-path /hooks --whatsapp-graph-api "
            "http://" +
            FreeAddress();
        CheckFailed(doctor.Run(), "webhook paths",
                    "whatsapp's webhook and telegram's webhook are both on the path '/hooks'",
                    "pass another --webhook-path");
    }
    SECTION("apart, they pass") {
        doctor.args = "--webhook-path /telegram/webhook";
        const CommandResult r = doctor.Run();
        CHECK_THAT(Line(r.output, "webhook paths"),
                   Catch::StartsWith("OK   ") && Catch::Contains("telegram /telegram/webhook"));
    }
}

TEST_CASE("doctor: WhatsApp's token is checked with a Graph call", "[doctor][whatsapp]") {
    auto db = TestDatabase::Create();
    FakeGraphApi graph(kWaToken, kWaNumberId);
    Doctor doctor{Migrated(*db)};
    doctor.env = std::string("WHATSAPP_ACCESS_TOKEN=") + kWaToken +
                 " WHATSAPP_PHONE_NUMBER_ID=" + kWaNumberId +
                 " WHATSAPP_APP_SECRET=" + kWaAppSecret +
                 " WHATSAPP_VERIFY_TOKEN=" + kWaVerifyToken;
    doctor.args = "--whatsapp-graph-api " + ShellQuote(graph.BaseUrl());
    SECTION("accepted") {
        const CommandResult r = doctor.Run();
        INFO(r.output);
        CHECK(r.exit_code == 0);
        CHECK_THAT(Line(r.output, "whatsapp settings"),
                   Catch::StartsWith("OK   ") && Catch::Contains("/whatsapp/webhook"));
        CHECK_THAT(Line(r.output, "whatsapp token"),
                   Catch::StartsWith("OK   ") && Catch::Contains("+1 555-078-3881 (Fake Barber)"));
        CHECK_THAT(Line(r.output, "webhook paths"), Catch::Contains("whatsapp /whatsapp/webhook"));
        CHECK_THAT(r.output, !Catch::Contains(kWaToken) && !Catch::Contains(kWaAppSecret));
    }
    SECTION("rejected") {
        graph.SetTokenRejected(true);
        const CommandResult r = doctor.Run();
        CheckFailed(r, "whatsapp token", "", "check WHATSAPP_ACCESS_TOKEN");
        CHECK_THAT(r.output, !Catch::Contains(kWaToken));
    }
    SECTION("half configured") {
        doctor.env = std::string("WHATSAPP_ACCESS_TOKEN=") + kWaToken +
                     " WHATSAPP_PHONE_NUMBER_ID=" + kWaNumberId;
        CheckFailed(doctor.Run(), "whatsapp settings", "no WhatsApp app secret",
                    "set the WhatsApp settings README lists");
    }
}

TEST_CASE("doctor: an unmigrated database needs `bookbot migrate`", "[doctor]") {
    auto db = TestDatabase::Create();
    const CommandResult r = Doctor{db->Url()}.Run();
    CheckFailed(r, "schema", "", "run `bookbot migrate`");
    CHECK_THAT(r.output, Catch::Contains("bookbot: error: doctor: 1 of " +
                                         std::to_string(kChecks.size()) + " checks failed"));
    CHECK_THAT(r.output, Catch::Contains("off on WhatsApp: no approved template"));
}

TEST_CASE("doctor: a schema newer than the binary needs an upgrade", "[doctor]") {
    auto db = TestDatabase::Create();
    Migrated(*db);
    db->ExecRaw(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
        " VALUES (99, 'from_the_future', 'x', 0)");
    CheckFailed(Doctor{db->Url()}.Run(), "schema", "newer than this binary", "upgrade bookbot");
}

TEST_CASE("doctor: an unreachable PostgreSQL server", "[doctor]") {
    // A port no one listens on: connection refused, at once.
    const std::string closed = FreeAddress();
    const CommandResult r = Doctor{"postgres://bot:hunter2@" + closed + "/bookbot"}.Run();
    CheckFailed(r, "database reachable", "Connection refused", "start the PostgreSQL server");
    CHECK_THAT(Line(r.output, "database url"),
               Catch::StartsWith("OK   ") && Catch::Contains("***"));
    CHECK_THAT(Line(r.output, "schema"), Catch::StartsWith("SKIP "));
    CheckNoSecrets(r);
}

TEST_CASE("doctor: a SQLite directory that is missing or not writable", "[doctor]") {
    const auto dir =
        std::filesystem::temp_directory_path() / ("bookbot_doctor_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    const CommandResult missing = Doctor{"sqlite://" + (dir / "bookbot.db").string()}.Run();
    CheckFailed(missing, "sqlite directory", "does not exist", "create it (mkdir -p ");
    CHECK_THAT(Line(missing.output, "database reachable"), Catch::StartsWith("SKIP "));

    if (geteuid() != 0) {  // root may write anywhere
        std::filesystem::create_directories(dir);
        std::filesystem::permissions(
            dir, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
        const CommandResult readonly = Doctor{"sqlite://" + (dir / "bookbot.db").string()}.Run();
        CheckFailed(readonly, "sqlite directory", "cannot create a file", "give the user");
        std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("doctor: a configuration file with an error", "[doctor]") {
    auto db = TestDatabase::Create();
    const auto path = std::filesystem::temp_directory_path() /
                      ("bookbot_doctor_" + std::to_string(getpid()) + ".toml");
    std::ofstream(path) << "[business]\nname = \"Cuts\"\ntime_zone = \"Mars/Olympus\"\n";
    Doctor doctor{Migrated(*db)};
    doctor.args = "--config " + ShellQuote(path.string());
    const CommandResult r = doctor.Run();
    CheckFailed(r, "configuration", path.string(), "correct what the message names");
    CHECK_THAT(Line(r.output, "configuration"), Catch::Contains("Mars/Olympus"));
    CHECK_THAT(Line(r.output, "time zone"), Catch::StartsWith("SKIP "));
    std::filesystem::remove(path);
}

TEST_CASE("doctor: a listen port in use", "[doctor]") {
    auto db = TestDatabase::Create();
    const Socket taken(true);
    Doctor doctor{Migrated(*db)};
    doctor.listen = taken.Address();
    CheckFailed(doctor.Run(), "listen port", taken.Address() + " is already in use",
                "choose another --listen");
}

TEST_CASE("doctor: a token Telegram rejects, or one of the wrong shape", "[doctor]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kToken);
    api.SetTokenRejected(true);
    Doctor doctor{Migrated(*db)};
    doctor.env = WithToken(api);
    const CommandResult rejected = doctor.Run();
    CheckFailed(rejected, "telegram token", "Telegram rejected the token (401",
                "correct TELEGRAM_BOT_TOKEN");
    CHECK_THAT(Line(rejected.output, "telegram webhook"), Catch::StartsWith("SKIP "));
    CheckNoSecrets(rejected);

    doctor.env = "TELEGRAM_BOT_TOKEN=not-a-token-hunter2 TELEGRAM_API_BASE_URL=" + api.BaseUrl();
    const CommandResult malformed = doctor.Run();
    CheckFailed(malformed, "telegram token", "", "correct TELEGRAM_BOT_TOKEN");
    CheckNoSecrets(malformed);
}

TEST_CASE("doctor: a webhook state serve's mode does not expect", "[doctor]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kToken);
    Doctor doctor{Migrated(*db)};

    SECTION("a webhook is set, but no secret: serve would poll") {
        api.SetWebhookState({"https://bot.example.com/hook", 0, ""});
        doctor.env = WithToken(api);
        const CommandResult r = doctor.Run();
        CheckFailed(r, "telegram webhook", "serve would use long polling",
                    "run `bookbot telegram delete-webhook`");
        CheckNoSecrets(r);
    }
    SECTION("a secret is set, but no webhook") {
        doctor.env = WithToken(api) + " TELEGRAM_WEBHOOK_SECRET=" + kWebhookSecret;
        const CommandResult r = doctor.Run();
        CheckFailed(r, "telegram webhook", "serve expects a webhook",
                    "run `bookbot telegram set-webhook");
        CheckNoSecrets(r);
    }
    SECTION("the webhook is set but Telegram cannot deliver") {
        api.SetWebhookState({"https://bot.example.com/hook", 7, "Connection refused"});
        doctor.env = WithToken(api) + " TELEGRAM_WEBHOOK_SECRET=" + kWebhookSecret;
        const CommandResult r = doctor.Run();
        CheckFailed(r, "telegram webhook", "last error: Connection refused",
                    "check that the webhook URL reaches `bookbot serve`");
    }
}

}  // namespace
}  // namespace bookbot::testing
