#include "config.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "bookbot/core/business.hpp"
#include "bookbot/core/schedule.hpp"

namespace bookbot::app {
namespace {

using Catch::Matchers::Contains;
using std::chrono::minutes;

// Line numbers matter: the error tests below refer to them.
constexpr const char* kValid = R"toml([business]
name = "Barber Joe"
time_zone = "Europe/Berlin"
slot_step_minutes = 10
horizon_days = 14
minimum_notice_minutes = 60
resources = 2
change_cutoff_minutes = 90
session_ttl_minutes = 45
closed_dates = ["2026-12-25", 2026-12-26]

[hours]
mon = ["13:00-18:00", "09:00-12:00"]
sat = ["10:00-14:00"]
sun = []

[[services]]
id = "cut"
name = "Haircut"
duration_minutes = 30
price = "25 EUR"

[[services]]
id = "beard"
name = "Beard trim"
duration_minutes = 15
)toml";

std::optional<std::string> NoEnv(const std::string&) { return std::nullopt; }

EnvLookup EnvOf(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

// kValid with the first occurrence of `from` replaced by `to` (which must
// exist, so a typo in a test cannot make it pass vacuously).
std::string ValidWith(const std::string& from, const std::string& to) {
    std::string text = kValid;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

// The ConfigError message parsing `text` gives, or "" if it parses.
std::string ErrorOf(const std::string& text, const EnvLookup& env = NoEnv) {
    try {
        ParseBusinessConfig(text, "test.toml", env);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

// A file under the temp directory, removed again at scope exit. The name is
// random: ctest may run test cases in parallel processes.
class TempFile {
public:
    explicit TempFile(const std::string& contents)
        : path_(std::filesystem::temp_directory_path() /
                ("bookbot_config_test_" + std::to_string(std::random_device{}()) + ".toml")) {
        std::ofstream(path_) << contents;
    }
    ~TempFile() { std::filesystem::remove(path_); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    std::string Path() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

TEST_CASE("config: a full file becomes the Business it describes") {
    const core::Business b = ParseBusinessConfig(kValid, "test.toml", NoEnv);
    CHECK(b.name == "Barber Joe");
    CHECK(b.rules.time_zone == "Europe/Berlin");
    CHECK(b.rules.slot_step == minutes{10});
    CHECK(b.rules.horizon_days == 14);
    CHECK(b.rules.minimum_notice == minutes{60});
    CHECK(b.rules.resources == 2);
    CHECK(b.change_cutoff == minutes{90});
    CHECK(b.session_ttl == minutes{45});
    CHECK(b.rules.closed_dates == std::set<core::LocalDate>{{2026, 12, 25}, {2026, 12, 26}});
    const auto monday = static_cast<std::size_t>(core::Weekday::kMonday);
    const auto saturday = static_cast<std::size_t>(core::Weekday::kSaturday);
    CHECK(b.rules.weekly_hours[monday] ==
          std::vector<core::OpeningRange>{{13 * 60, 18 * 60}, {9 * 60, 12 * 60}});
    CHECK(b.rules.weekly_hours[saturday] == std::vector<core::OpeningRange>{{10 * 60, 14 * 60}});
    for (std::size_t day : {1, 2, 3, 4, 6}) CHECK(b.rules.weekly_hours[day].empty());
    REQUIRE(b.services.size() == 2);
    CHECK(b.services[0].id == "cut");
    CHECK(b.services[0].name == "Haircut");
    CHECK(b.services[0].duration == minutes{30});
    CHECK(b.services[0].price == "25 EUR");
    CHECK(b.services[1].id == "beard");
    CHECK(b.services[1].duration == minutes{15});
    CHECK(b.services[1].price.empty());
    CHECK(b.texts == core::DefaultTexts());
}

TEST_CASE("config: omitted optional keys take core's documented defaults") {
    const core::Business b = ParseBusinessConfig(R"toml(
[business]
name = "Minimal"
time_zone = "America/New_York"
[hours]
fri = ["08:00-16:00"]
[[services]]
id = "x"
name = "X"
duration_minutes = 60
)toml",
                                                 "test.toml", NoEnv);
    const core::Business defaults;
    CHECK(b.rules.slot_step == defaults.rules.slot_step);
    CHECK(b.rules.horizon_days == defaults.rules.horizon_days);
    CHECK(b.rules.minimum_notice == defaults.rules.minimum_notice);
    CHECK(b.rules.resources == defaults.rules.resources);
    CHECK(b.rules.closed_dates.empty());
    CHECK(b.change_cutoff == defaults.change_cutoff);
    CHECK(b.session_ttl == defaults.session_ttl);
}

TEST_CASE("config: [texts] overrides one text and keeps the other defaults") {
    REQUIRE_FALSE(core::DefaultTexts().empty());
    const std::string key = core::DefaultTexts().begin()->first;
    const core::Business b = ParseBusinessConfig(
        std::string(kValid) + "[texts]\n" + key + " = \"Moin!\"\n", "test.toml", NoEnv);
    CHECK(b.texts.at(key) == "Moin!");
    CHECK(b.texts.size() == core::DefaultTexts().size());

    const std::string error =
        ErrorOf(std::string(kValid) + "[texts]\ngreetingz = \"Hi\"\n");  // line 28
    CHECK_THAT(error, Contains("test.toml:28: texts.greetingz: unknown key") && Contains(key));
    CHECK_THAT(ErrorOf(std::string(kValid) + "[texts]\n" + key + " = \" \"\n"),
               Contains("test.toml:28: texts." + key + ": is blank"));
}

TEST_CASE("config: [reminders] sets lead times and WhatsApp's template") {
    CHECK(ParseBusinessConfig(kValid, "test.toml", NoEnv).reminder_leads ==
          std::vector<std::chrono::hours>{std::chrono::hours(24)});
    const core::Business b = ParseBusinessConfig(
        std::string(kValid) +
            "[reminders]\nlead_hours = [24, 2]\nwhatsapp_template = \"reminder_v1\"\n"
            "whatsapp_template_language = \"de\"\n",
        "test.toml", NoEnv);
    CHECK(b.reminder_leads ==
          std::vector<std::chrono::hours>{std::chrono::hours(24), std::chrono::hours(2)});
    CHECK(b.reminder_templates.at("whatsapp") == core::MessageTemplate{"reminder_v1", "de", {}});
    CHECK(ParseBusinessConfig(std::string(kValid) + "[reminders]\nlead_hours = []\n", "test.toml",
                              NoEnv)
              .reminder_leads.empty());
    CHECK_THAT(ErrorOf(std::string(kValid) + "[reminders]\nlead_hours = [24, 0]\n"),
               Contains("reminders.lead_hours[1]: got 0") && Contains("1..720"));
    CHECK_THAT(ErrorOf(std::string(kValid) + "[reminders]\nlead_hours = [2, 2]\n"),
               Contains("reminders.lead_hours[1]: listed twice"));
    CHECK_THAT(ErrorOf(std::string(kValid) + "[reminders]\nlead_hour = [2]\n"),
               Contains("reminders.lead_hour: unknown key") && Contains("lead_hours"));
}

TEST_CASE("config: a TOML syntax error names file, line, column and the problem") {
    const std::string error = ErrorOf(ValidWith("horizon_days = 14", "horizon_days = = 14"));
    CHECK_THAT(error, Contains("test.toml:5:") && Contains("TOML syntax error"));
}

TEST_CASE("config: unknown keys are rejected, naming the allowed keys") {
    CHECK_THAT(ErrorOf(ValidWith("horizon_days", "horizon_dayz")),
               Contains("test.toml:5: business.horizon_dayz: unknown key") &&
                   Contains("horizon_days") && Contains("session_ttl_minutes"));
    CHECK_THAT(ErrorOf(ValidWith("sat =", "sa =")),
               Contains("test.toml:14: hours.sa: unknown key") && Contains("mon, tue"));
    CHECK_THAT(
        ErrorOf(ValidWith("price =", "prize =")),
        Contains("test.toml:21: services[0].prize: unknown key") && Contains("duration_minutes"));
    CHECK_THAT(ErrorOf(ValidWith("[hours]", "[opening]")),
               Contains("test.toml:12: opening: unknown key") && Contains("hours"));
}

TEST_CASE("config: a value of the wrong type names key, line and the expected type") {
    CHECK_THAT(ErrorOf(ValidWith("duration_minutes = 30", "duration_minutes = \"30\"")),
               Contains("test.toml:20: services[0].duration_minutes: got a string \"30\"") &&
                   Contains("an integer 1..1440"));
    CHECK_THAT(ErrorOf(ValidWith("horizon_days = 14", "horizon_days = 14.0")),
               Contains("test.toml:5: business.horizon_days: got a floating-point"));
    CHECK_THAT(ErrorOf(ValidWith("sat = [\"10:00-14:00\"]", "sat = \"10:00-14:00\"")),
               Contains("test.toml:14: hours.sat: got a string") && Contains("a list of"));
    CHECK_THAT(ErrorOf(ValidWith("sat = [\"10:00-14:00\"]", "sat = [1000]")),
               Contains("test.toml:14: hours.sat[0]: got an integer 1000"));
    CHECK_THAT(ErrorOf("hours = 5\n" + ValidWith("[hours]", "[texts]")),
               Contains("test.toml:1: hours: got an integer 5") && Contains("[hours]"));
}

TEST_CASE("config: bad opening hours name the day, range and line") {
    CHECK_THAT(ErrorOf(ValidWith("10:00-14:00", "18:00-09:00")),
               Contains("test.toml:14: hours.sat[0]: \"18:00-09:00\" does not close after it "
                        "opens") &&
                   Contains("HH:MM-HH:MM"));
    CHECK_THAT(ErrorOf(ValidWith("10:00-14:00", "25:00-26:00")),
               Contains("test.toml:14: hours.sat[0]: \"25:00-26:00\" is not a valid time range"));
    CHECK_THAT(ErrorOf(ValidWith("10:00-14:00", "10:00")),
               Contains("test.toml:14: hours.sat[0]: \"10:00\" is not a valid time range"));
    CHECK_THAT(ErrorOf(ValidWith("\"09:00-12:00\"", "\"09:00-13:30\"")),
               Contains("test.toml:13: hours.mon[1]: \"09:00-13:30\" overlaps \"13:00-18:00\""));
    CHECK(ErrorOf(ValidWith("10:00-14:00", "10:00 - 24:00")).empty());
}

TEST_CASE("config: hours must exist and open at least one day") {
    std::string no_hours = kValid;
    no_hours.erase(no_hours.find("[hours]"),
                   no_hours.find("[[services]]") - no_hours.find("[hours]"));
    CHECK_THAT(ErrorOf(no_hours), Contains("test.toml: hours: missing"));
    const std::string all_closed =
        ValidWith("mon = [\"13:00-18:00\", \"09:00-12:00\"]\nsat = [\"10:00-14:00\"]", "");
    CHECK_THAT(ErrorOf(all_closed), Contains("test.toml:12: hours: every day is closed"));
}

TEST_CASE("config: an unknown time zone is named with its line") {
    CHECK_THAT(ErrorOf(ValidWith("Europe/Berlin", "Europe/Berlinn")),
               Contains("test.toml:3: business.time_zone: unknown time zone \"Europe/Berlinn\"") &&
                   Contains("IANA"));
}

TEST_CASE("config: services must be present, well-formed and unique") {
    CHECK_THAT(ErrorOf(ValidWith("id = \"beard\"", "id = \"cut\"")),
               Contains("test.toml:24: services[1].id: duplicate id \"cut\", already used by "
                        "services[0] at line 17"));
    std::string no_services = kValid;
    no_services.erase(no_services.find("[[services]]"));
    CHECK_THAT(ErrorOf(no_services),
               Contains("test.toml: services: missing") && Contains("[[services]]"));
    CHECK_THAT(ErrorOf("services = []\n" + no_services),
               Contains("test.toml:1: services: is empty"));
    CHECK_THAT(ErrorOf(ValidWith("id = \"cut\"", "id = \"Cut!\"")),
               Contains("test.toml:18: services[0].id: \"Cut!\" is not a valid id") &&
                   Contains("a-z, 0-9"));
    CHECK_THAT(ErrorOf(ValidWith("id = \"beard\"", "")),
               Contains("test.toml:23: services[1].id: missing"));
    CHECK_THAT(ErrorOf(ValidWith("name = \"Beard trim\"", "")),
               Contains("test.toml:23: services[1].name: missing"));
    CHECK_THAT(ErrorOf(ValidWith("duration_minutes = 15", "")),
               Contains("test.toml:23: services[1].duration_minutes: missing"));
}

TEST_CASE("config: a bad closed date names its index and line") {
    CHECK_THAT(ErrorOf(ValidWith("2026-12-25", "2026-02-30")),
               Contains("test.toml:10: business.closed_dates[0]: got a string \"2026-02-30\", "
                        "not a calendar date") &&
                   Contains("YYYY-MM-DD"));
    CHECK_THAT(ErrorOf(ValidWith("\"2026-12-25\"", "20261225")),
               Contains("test.toml:10: business.closed_dates[0]"));
}

TEST_CASE("config: numbers outside their range are rejected with the allowed range") {
    struct Case {
        std::string from, to, expected;
    };
    const std::vector<Case> cases = {
        {"resources = 2", "resources = 0", "test.toml:7: business.resources: got 0"},
        {"slot_step_minutes = 10", "slot_step_minutes = 0",
         "test.toml:4: business.slot_step_minutes: got 0; allowed: an integer 1..1440"},
        {"minimum_notice_minutes = 60", "minimum_notice_minutes = -5",
         "test.toml:6: business.minimum_notice_minutes: got -5; allowed: an integer 0.."},
        {"horizon_days = 14", "horizon_days = 732", "business.horizon_days: got 732"},
        {"session_ttl_minutes = 45", "session_ttl_minutes = 0",
         "test.toml:9: business.session_ttl_minutes: got 0"},
        {"change_cutoff_minutes = 90", "change_cutoff_minutes = -1",
         "test.toml:8: business.change_cutoff_minutes: got -1"},
        {"duration_minutes = 30", "duration_minutes = -30",
         "test.toml:20: services[0].duration_minutes: got -30; allowed: an integer 1..1440"},
        {"duration_minutes = 30", "duration_minutes = 99999999999",
         "services[0].duration_minutes: got 99999999999"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.to);
        CHECK_THAT(ErrorOf(ValidWith(c.from, c.to)), Contains(c.expected));
    }
}

TEST_CASE("config: environment variables override the file") {
    const core::Business b =
        ParseBusinessConfig(kValid, "test.toml",
                            EnvOf({{"BOOKBOT_TIME_ZONE", "Asia/Tokyo"},
                                   {"BOOKBOT_SESSION_TTL_MINUTES", "5"},
                                   {"BOOKBOT_BUSINESS_NAME", "Joe's Tokyo branch"}}));
    CHECK(b.rules.time_zone == "Asia/Tokyo");
    CHECK(b.session_ttl == minutes{5});
    CHECK(b.name == "Joe's Tokyo branch");

    // Unset and empty both leave the file's value.
    const core::Business kept =
        ParseBusinessConfig(kValid, "test.toml", EnvOf({{"BOOKBOT_TIME_ZONE", ""}}));
    CHECK(kept.rules.time_zone == "Europe/Berlin");

    // Name and zone may come from the environment alone.
    const std::string bare = ValidWith("name = \"Barber Joe\"\ntime_zone = \"Europe/Berlin\"", "");
    CHECK_THAT(ErrorOf(bare), Contains("test.toml:1: business.name: missing") &&
                                  Contains("BOOKBOT_BUSINESS_NAME"));
    CHECK_THAT(
        ErrorOf(bare, EnvOf({{"BOOKBOT_BUSINESS_NAME", "Joe"}})),
        Contains("test.toml:1: business.time_zone: missing") && Contains("BOOKBOT_TIME_ZONE"));
    const core::Business from_env = ParseBusinessConfig(
        bare, "test.toml",
        EnvOf({{"BOOKBOT_BUSINESS_NAME", "Joe"}, {"BOOKBOT_TIME_ZONE", "Europe/Paris"}}));
    CHECK(from_env.name == "Joe");
    CHECK(from_env.rules.time_zone == "Europe/Paris");
}

TEST_CASE("config: a bad environment value names the variable") {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"BOOKBOT_SESSION_TTL_MINUTES", "abc"},
        {"BOOKBOT_SESSION_TTL_MINUTES", "0"},
        {"BOOKBOT_TIME_ZONE", "Mars/Olympus"},
        {"BOOKBOT_BUSINESS_NAME", "   "}};
    for (const auto& [name, value] : bad) {
        CAPTURE(name, value);
        CHECK_THAT(ErrorOf(kValid, EnvOf({{name, value}})),
                   Contains("environment variable " + name + "=\"" + value + "\""));
    }
    for (const std::string value : {"-5", "+5", "5 ", "10081", "99999999999", "1e3"}) {
        CAPTURE(value);
        CHECK_THAT(ErrorOf(kValid, EnvOf({{"BOOKBOT_SESSION_TTL_MINUTES", value}})),
                   Contains("BOOKBOT_SESSION_TTL_MINUTES") && Contains("1..10080"));
    }
}

TEST_CASE("config: files are read from disk, and a missing file says so") {
    const TempFile good(kValid);
    CHECK(LoadBusinessConfig(good.Path(), NoEnv).name == "Barber Joe");

    const TempFile broken(ValidWith("resources = 2", "resources = \"2"));
    CHECK_THROWS_WITH(LoadBusinessConfig(broken.Path(), NoEnv),
                      Contains(broken.Path() + ":7:") && Contains("TOML syntax error"));

    const std::string missing = good.Path() + ".missing";
    CHECK_THROWS_AS(LoadBusinessConfig(missing, NoEnv), ConfigError);
    CHECK_THROWS_WITH(LoadBusinessConfig(missing, NoEnv),
                      Contains(missing) && Contains("not found"));
}

TEST_CASE("config: no path means the demo business, still with the overrides") {
    const core::Business demo =
        LoadBusinessOrDemo(std::nullopt, EnvOf({{"BOOKBOT_TIME_ZONE", "Europe/Vienna"}}));
    CHECK(demo.rules.time_zone == "Europe/Vienna");
    CHECK(demo.services.size() == core::DemoBusiness().services.size());
    CHECK(demo.name == core::DemoBusiness().name);
    CHECK_THROWS_WITH(LoadBusinessOrDemo(std::nullopt, EnvOf({{"BOOKBOT_TIME_ZONE", "Nowhere"}})),
                      Contains("BOOKBOT_TIME_ZONE"));

    const TempFile file(kValid);
    CHECK(LoadBusinessOrDemo(file.Path(), NoEnv).name == "Barber Joe");
}

TEST_CASE("config: the packaged example configuration loads and validates") {
    const core::Business b = LoadBusinessConfig(BOOKBOT_EXAMPLE_CONFIG, NoEnv);
    CHECK(b.name == "Barber Joe");
    CHECK(b.rules.time_zone == "Europe/Berlin");
    CHECK(b.services.size() == 3);
    CHECK(b.FindService("cut_beard") != nullptr);
    CHECK(b.rules.closed_dates.contains(core::LocalDate{2026, 12, 26}));
    CHECK(b.rules.weekly_hours[static_cast<std::size_t>(core::Weekday::kSunday)].empty());
    CHECK(b.texts.at("greeting") == "Welcome to {business}! What would you like to do?");
}

}  // namespace
}  // namespace bookbot::app
