#include "config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <span>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/schedule.hpp"
#include "config_reader.hpp"

namespace bookbot::app {
namespace config_detail {

std::string Join(Keys keys) {
    std::string joined;
    for (std::string_view key : keys) {
        joined += (joined.empty() ? "" : ", ") + std::string(key);
    }
    return joined;
}

// `path.key`, or `key` at the top level.
std::string Child(std::string_view path, std::string_view key) {
    return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
}

std::string Indexed(std::string_view path, std::size_t index) {
    return std::string(path) + "[" + std::to_string(index) + "]";
}

bool IsBlank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string_view Trim(std::string_view text) {
    const auto first = text.find_first_not_of(' ');
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// What a node is, for "got ..." in messages: `a string "30"`, `an integer 5`.
std::string Describe(const toml::node& node) {
    std::ostringstream out;
    out << (node.is_integer() || node.is_array() ? "an " : "a ") << node.type();
    if (const auto* text = node.as_string()) {
        out << " \"" << text->get() << '"';
    } else if (node.is_value()) {
        node.visit([&out](const auto& value) { out << ' ' << value; });
    }
    return out.str();
}

}  // namespace config_detail

namespace {

using std::chrono::minutes;
using namespace config_detail;

constexpr std::array<std::string_view, 6> kRootKeys = {"business", "hours",     "services",
                                                       "texts",    "reminders", "staff"};
constexpr std::array<std::string_view, 9> kBusinessKeys = {"name",
                                                           "time_zone",
                                                           "slot_step_minutes",
                                                           "horizon_days",
                                                           "minimum_notice_minutes",
                                                           "resources",
                                                           "change_cutoff_minutes",
                                                           "session_ttl_minutes",
                                                           "closed_dates"};
constexpr std::array<std::string_view, 7> kDayKeys = {"mon", "tue", "wed", "thu",
                                                      "fri", "sat", "sun"};
constexpr std::array<std::string_view, 4> kServiceKeys = {"id", "name", "duration_minutes",
                                                          "price"};

constexpr std::string_view kZoneAllowed = "an IANA time zone name such as \"Europe/Berlin\"";
constexpr std::string_view kRangesAllowed =
    "a list of \"HH:MM-HH:MM\" strings, e.g. [\"09:00-12:00\", \"13:00-18:00\"]; [] = closed";
constexpr std::string_view kRangeAllowed =
    "\"HH:MM-HH:MM\" with times 00:00..24:00 and open before close, e.g. \"09:00-12:30\"";
constexpr std::string_view kDateAllowed = "a calendar date \"YYYY-MM-DD\", e.g. \"2026-12-25\"";
constexpr std::string_view kIdAllowed = "1..32 characters from a-z, 0-9, '_' and '-'";
constexpr std::string_view kServicesAllowed =
    "one or more [[services]] tables, each with id, name and duration_minutes";

bool IsKnownZone(const std::string& zone) {
    try {
        core::LocalDateAt(zone, core::TimePoint{});
        return true;
    } catch (const std::invalid_argument&) {
        return false;
    }
}

bool IsValidServiceId(std::string_view id) {
    return !id.empty() && id.size() <= 32 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

// "09:00-12:30" (blanks around the halves allowed); nullopt if not two valid
// times. An inverted or empty range is returned as is, for the caller to name.
std::optional<core::OpeningRange> ParseRange(std::string_view text) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    const auto open = core::ParseMinuteOfDay(Trim(text.substr(0, dash)));
    const auto close = core::ParseMinuteOfDay(Trim(text.substr(dash + 1)));
    if (!open || !close) return std::nullopt;
    return core::OpeningRange{*open, *close};
}

// Stores a setting read in minutes (or a plain count) when the file has it.
void Assign(minutes& target, std::optional<int> value) {
    if (value) target = minutes{*value};
}
void Assign(core::Millis& target, std::optional<int> value) {
    if (value) target = minutes{*value};
}
void Assign(int& target, std::optional<int> value) {
    if (value) target = *value;
}

std::string RangeText(const core::OpeningRange& range) {
    return "\"" + core::FormatMinuteOfDay(range.open_minute) + "-" +
           core::FormatMinuteOfDay(range.close_minute) + "\"";
}

core::LocalDate ReadDate(const Reporter& reporter, const toml::node& node, std::string_view key) {
    if (const auto* date = node.as_date()) {
        const core::LocalDate local{date->get().year, date->get().month, date->get().day};
        if (local.IsValid()) return local;
    } else if (const auto* text = node.as_string()) {
        if (const auto local = core::LocalDate::Parse(text->get())) return *local;
    }
    reporter.Fail(node.source(), key, "got " + Describe(node) + ", not a calendar date",
                  kDateAllowed);
}

void ReadBusiness(const Reporter& reporter, const toml::table& table, core::Business& business) {
    constexpr std::string_view kPath = "business";
    reporter.CheckKeys(table, kPath, kBusinessKeys);
    core::ScheduleRules& rules = business.rules;
    if (auto name = reporter.GetString(table, kPath, "name", true)) business.name = *name;
    if (const auto* zone = reporter.Get<std::string>(table, kPath, "time_zone", kZoneAllowed)) {
        if (!IsKnownZone(zone->get())) {
            reporter.Fail(zone->source(), "business.time_zone",
                          "unknown time zone \"" + zone->get() + "\"", kZoneAllowed);
        }
        rules.time_zone = zone->get();
    }
    Assign(rules.slot_step, reporter.GetInt(table, kPath, "slot_step_minutes", 1, 1440));
    Assign(rules.horizon_days,
           reporter.GetInt(table, kPath, "horizon_days", 1, core::kMaxHorizonDays));
    Assign(rules.minimum_notice,
           reporter.GetInt(table, kPath, "minimum_notice_minutes", 0, kMaxNoticeMinutes));
    Assign(rules.resources, reporter.GetInt(table, kPath, "resources", 1, kMaxResources));
    Assign(business.change_cutoff,
           reporter.GetInt(table, kPath, "change_cutoff_minutes", 0, kMaxNoticeMinutes));
    Assign(business.session_ttl,
           reporter.GetInt(table, kPath, "session_ttl_minutes", 1, kMaxSessionTtlMinutes));
    const std::string list_allowed = "a list of " + std::string(kDateAllowed);
    if (const auto* dates = reporter.Get<toml::array>(table, kPath, "closed_dates", list_allowed)) {
        for (std::size_t i = 0; i < dates->size(); ++i) {
            rules.closed_dates.insert(
                ReadDate(reporter, *dates->get(i), Indexed("business.closed_dates", i)));
        }
    }
}

// One weekday's ranges, checked for format, order and overlap.
std::vector<core::OpeningRange> ReadDay(const Reporter& reporter, const toml::array& list,
                                        const std::string& path) {
    std::vector<core::OpeningRange> day;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const toml::node& node = *list.get(i);
        const auto* text = node.as_string();
        if (text == nullptr) reporter.WrongType(node, Indexed(path, i), kRangeAllowed);
        const auto range = ParseRange(text->get());
        if (!range) {
            reporter.Fail(node.source(), Indexed(path, i),
                          "\"" + text->get() + "\" is not a valid time range", kRangeAllowed);
        }
        if (range->open_minute >= range->close_minute) {
            reporter.Fail(node.source(), Indexed(path, i),
                          RangeText(*range) + " does not close after it opens", kRangeAllowed);
        }
        for (const core::OpeningRange& earlier : day) {
            if (range->open_minute < earlier.close_minute &&
                earlier.open_minute < range->close_minute) {
                reporter.Fail(node.source(), Indexed(path, i),
                              RangeText(*range) + " overlaps " + RangeText(earlier),
                              "ranges of a day that do not overlap (touching is fine)");
            }
        }
        day.push_back(*range);
    }
    return day;
}

void ReadHours(const Reporter& reporter, const toml::table& root, core::ScheduleRules& rules) {
    const std::string allowed = "a [hours] table with at least one of " + Join(kDayKeys) +
                                " set to " + std::string(kRangesAllowed);
    const auto* hours = reporter.Get<toml::table>(root, "", "hours", allowed);
    if (hours == nullptr) reporter.Fail({}, "hours", "missing", allowed);
    reporter.CheckKeys(*hours, "hours", kDayKeys);
    bool any_open = false;
    for (std::size_t day = 0; day < kDayKeys.size(); ++day) {
        const auto* list =
            reporter.Get<toml::array>(*hours, "hours", kDayKeys[day], kRangesAllowed);
        if (list == nullptr) continue;
        rules.weekly_hours.at(day) = ReadDay(reporter, *list, Child("hours", kDayKeys[day]));
        any_open = any_open || !rules.weekly_hours.at(day).empty();
    }
    if (!any_open) reporter.Fail(hours->source(), "hours", "every day is closed", allowed);
}

core::Service ReadService(const Reporter& reporter, const toml::table& table,
                          const std::string& path) {
    reporter.CheckKeys(table, path, kServiceKeys);
    const auto required = [&](auto value, std::string_view key, std::string_view allowed) {
        if (!value) reporter.Fail(table.source(), Child(path, key), "missing", allowed);
        return *value;
    };
    core::Service service;
    service.id = required(reporter.GetString(table, path, "id", false), "id", kIdAllowed);
    if (!IsValidServiceId(service.id)) {
        reporter.Fail(table.get("id")->source(), Child(path, "id"),
                      "\"" + service.id + "\" is not a valid id", kIdAllowed);
    }
    service.name = required(reporter.GetString(table, path, "name", true), "name", kTextAllowed);
    service.duration = minutes{required(reporter.GetInt(table, path, "duration_minutes", 1, 1440),
                                        "duration_minutes", "an integer 1..1440")};
    service.price = reporter.GetString(table, path, "price", false).value_or("");
    return service;
}

std::vector<core::Service> ReadServices(const Reporter& reporter, const toml::table& root) {
    const toml::node* node = root.get("services");
    if (node == nullptr) reporter.Fail({}, "services", "missing", kServicesAllowed);
    const toml::array* list = node->as_array();
    if (list != nullptr && list->empty()) {
        reporter.Fail(node->source(), "services", "is empty", kServicesAllowed);
    }
    if (list == nullptr || !list->is_array_of_tables()) {
        reporter.WrongType(*node, "services", kServicesAllowed);
    }
    std::vector<core::Service> services;
    std::map<std::string, std::string, std::less<>> first_use;  // id -> where
    for (std::size_t i = 0; i < list->size(); ++i) {
        const toml::table& table = *list->get(i)->as_table();
        const std::string path = Indexed("services", i);
        core::Service service = ReadService(reporter, table, path);
        const auto line = table.source().begin.line;
        const auto [it, added] = first_use.emplace(
            service.id, path + (line > 0 ? " at line " + std::to_string(line) : ""));
        if (!added) {
            reporter.Fail(table.get("id")->source(), Child(path, "id"),
                          "duplicate id \"" + service.id + "\", already used by " + it->second,
                          "an id no other service has");
        }
        services.push_back(std::move(service));
    }
    return services;
}

void ReadTexts(const Reporter& reporter, const toml::table& table, core::Texts& texts) {
    const core::Texts& defaults = core::DefaultTexts();
    std::vector<std::string_view> known;
    for (const auto& entry : defaults) known.push_back(entry.first);
    reporter.CheckKeys(table, "texts", known);
    for (const auto& entry : table) {
        const std::string_view key = entry.first.str();
        texts[std::string(key)] = *reporter.GetString(table, "texts", key, true);
    }
}

// The value of `name`, or nullopt when unset or empty.
std::optional<std::string> EnvValue(const EnvLookup& env, const char* name) {
    auto value = env(name);
    if (!value || value->empty()) return std::nullopt;
    return value;
}

[[noreturn]] void EnvFail(const char* name, const std::string& value, std::string_view problem,
                          std::string_view allowed) {
    throw ConfigError("environment variable " + std::string(name) + "=\"" + value +
                      "\": " + std::string(problem) + "; allowed: " + std::string(allowed));
}

void ApplyEnvironment(const EnvLookup& env, core::Business& business) {
    if (const auto zone = EnvValue(env, kEnvTimeZone)) {
        if (!IsKnownZone(*zone)) EnvFail(kEnvTimeZone, *zone, "unknown time zone", kZoneAllowed);
        business.rules.time_zone = *zone;
    }
    if (const auto ttl = EnvValue(env, kEnvSessionTtlMinutes)) {
        const std::string allowed =
            "whole minutes 1.." + std::to_string(kMaxSessionTtlMinutes) + ", digits only";
        int value = 0;
        const bool digits_only =
            std::all_of(ttl->begin(), ttl->end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits_only ||
            std::from_chars(ttl->data(), ttl->data() + ttl->size(), value).ec != std::errc{} ||
            value < 1 || value > kMaxSessionTtlMinutes) {
            EnvFail(kEnvSessionTtlMinutes, *ttl, "not a valid number of minutes", allowed);
        }
        business.session_ttl = minutes{value};
    }
    if (const auto ids = EnvValue(env, kEnvStaffTelegramChatIds)) {
        std::vector<std::string> chats;
        std::string_view rest = *ids;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const std::string_view id = Trim(rest.substr(0, comma));
            if (!IsChatId(id))
                EnvFail(kEnvStaffTelegramChatIds, *ids, "not a chat id list", kChatIdsAllowed);
            chats.emplace_back(id);
            rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
        }
        business.staff.chats["telegram"] = std::move(chats);
    }
    if (const auto name = EnvValue(env, kEnvBusinessName)) {
        if (IsBlank(*name)) EnvFail(kEnvBusinessName, *name, "is blank", kTextAllowed);
        business.name = *name;
    }
}

// core::Validate as a ConfigError: a backstop for rules this file does not check itself.
void ValidateOrThrow(const core::Business& business, const std::string& source) {
    try {
        core::Validate(business);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(source + ": invalid configuration: " + e.what());
    }
}

}  // namespace

std::optional<std::string> ProcessEnv(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
}

core::Business ParseBusinessConfig(std::string_view text, const std::string& source_name,
                                   const EnvLookup& env) {
    const Reporter reporter(source_name);
    toml::table root;
    try {
        root = toml::parse(text, source_name);
    } catch (const toml::parse_error& e) {
        const auto& begin = e.source().begin;
        throw ConfigError(source_name + ":" + std::to_string(begin.line) + ":" +
                          std::to_string(begin.column) +
                          ": TOML syntax error: " + std::string(e.description()));
    }
    reporter.CheckKeys(root, "", kRootKeys);

    core::Business business;  // the documented defaults of core::Business
    business.name.clear();    // required: from the file or the environment
    const auto* section = reporter.Get<toml::table>(root, "", "business", "a [business] table");
    if (section != nullptr) ReadBusiness(reporter, *section, business);
    ReadHours(reporter, root, business.rules);
    business.services = ReadServices(reporter, root);
    if (const auto* texts = reporter.Get<toml::table>(root, "", "texts", "a [texts] table")) {
        ReadTexts(reporter, *texts, business.texts);
    }
    if (const auto* reminders =
            reporter.Get<toml::table>(root, "", "reminders", "a [reminders] table")) {
        ReadReminders(reporter, *reminders, business);
    }
    if (const auto* staff = reporter.Get<toml::table>(root, "", "staff", "a [staff] table")) {
        ReadStaff(reporter, *staff, business.staff);
    }

    ApplyEnvironment(env, business);
    const toml::source_region where =
        section != nullptr ? section->source() : toml::source_region{};
    if (business.name.empty()) {
        reporter.Fail(where, "business.name", "missing",
                      std::string(kTextAllowed) + " (or set " + kEnvBusinessName + ")");
    }
    if (business.rules.time_zone.empty()) {
        reporter.Fail(where, "business.time_zone", "missing",
                      std::string(kZoneAllowed) + " (or set " + kEnvTimeZone + ")");
    }
    ValidateOrThrow(business, source_name);
    return business;
}

core::Business LoadBusinessConfig(const std::string& path, const EnvLookup& env) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
        throw ConfigError(path + ": configuration file not found");
    }
    if (std::filesystem::is_directory(path, error)) {
        throw ConfigError(path + ": is a directory, expected a TOML configuration file");
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream contents;
    if (in) contents << in.rdbuf();
    if (!in || in.bad()) {
        throw ConfigError(path + ": cannot read the configuration file (permissions?)");
    }
    return ParseBusinessConfig(contents.str(), path, env);
}

core::Business LoadBusinessOrDemo(const std::optional<std::string>& path, const EnvLookup& env) {
    if (path) return LoadBusinessConfig(*path, env);
    core::Business business = core::DemoBusiness();
    ApplyEnvironment(env, business);
    ValidateOrThrow(business, "built-in demo business");
    return business;
}

}  // namespace bookbot::app
