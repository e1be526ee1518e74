// Customers' commands through the real binary and the fake Bot API, on each
// backend: `/book` starts booking, and the command menu reaches Telegram
// (setMyCommands) from `bookbot telegram set-commands` and from serve's start.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "run_command.hpp"
#include "telegram_harness.hpp"
#include "test_database.hpp"

namespace bookbot::testing {
namespace {

using Json = nlohmann::json;

// The command menu as Telegram received it: {command: description}.
std::map<std::string, std::string> Menu(const std::string& body) {
    std::map<std::string, std::string> menu;
    const Json request = Json::parse(body);
    for (const Json& c : request.at("commands")) menu[c.at("command")] = c.at("description");
    return menu;
}

TEST_CASE("/book starts booking; serve registers the command menu at start", "[commands]") {
    auto db = TestDatabase::Create();
    FakeBotApi api(kBotToken);
    Serve serve(db->Url(), api, Serve::Mode::kWebhook);

    REQUIRE(api.WaitUntil([&] { return !api.LastCommandsBody().empty(); }));
    const auto menu = Menu(api.LastCommandsBody());
    CHECK(menu.size() == 5);
    CHECK(menu.at("book") == "Book an appointment");
    CHECK(menu.at("bookings") == "My bookings");
    CHECK(menu.count("start") == 1);
    CHECK(menu.count("cancel") == 1);
    CHECK(menu.count("help") == 1);

    // A new customer's first message is the command: it does what it says.
    User ana(api, 777001);
    REQUIRE(serve.Post(ana.Text("/book")).status == 200);
    REQUIRE(ana.WaitFor("Which service would you like?"));
    // In a group Telegram sends "/cmd@BotName".
    REQUIRE(serve.Post(ana.Text("/bookings@fake_bot")).status == 200);
    REQUIRE(ana.WaitFor("You have no upcoming bookings."));

    // A new customer's first words, whatever they are, get the greeting.
    User ben(api, 777002);
    REQUIRE(serve.Post(ben.Text("hello there")).status == 200);
    REQUIRE(ben.WaitFor("Hello! I am the booking assistant"));
}

TEST_CASE("telegram set-commands registers the configured menu", "[commands][telegram-cli]") {
    FakeBotApi api(kBotToken);
    const std::filesystem::path config = std::filesystem::temp_directory_path() /
                                         ("bookbot_commands_" + std::to_string(getpid()) + ".toml");
    std::ofstream(config) << R"([business]
name = "Salon"
time_zone = "UTC"
[hours]
mon = ["09:00-17:00"]
[[services]]
id = "cut"
name = "Haircut"
duration_minutes = 30
[texts]
command_book = "Termin buchen"
)";
    const CommandResult r = RunCommand("TELEGRAM_BOT_TOKEN=" + ShellQuote(kBotToken) +
                                       " " BOOKBOT_BINARY " telegram set-commands --config " +
                                       ShellQuote(config.string()) + " --telegram-api " +
                                       ShellQuote(api.BaseUrl()) + " 2>&1");
    std::filesystem::remove(config);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(api.Calls("setMyCommands") == 1);
    const Json body = Json::parse(api.LastCommandsBody());
    REQUIRE(body.at("commands").size() == 5);
    CHECK(body.at("commands")[0] ==
          Json{{"command", "start"}, {"description", "Greeting and main menu"}});
    CHECK(body.at("commands")[1] == Json{{"command", "book"}, {"description", "Termin buchen"}});
    CHECK(r.output.find("/book  Termin buchen") != std::string::npos);
    CHECK(r.output.find(kBotToken) == std::string::npos);
}

}  // namespace
}  // namespace bookbot::testing
