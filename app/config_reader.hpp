#pragma once

// Internal to the configuration reader (config.cpp, config_business.cpp): the
// reporter that turns problems into ConfigErrors naming source, line and key,
// and the helpers both files use. Not part of bookbot_config's interface.

#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "bookbot/core/business.hpp"
#include "config.hpp"

namespace bookbot::app::config_detail {

using Keys = std::span<const std::string_view>;

constexpr std::string_view kTextAllowed = "a non-blank string";
constexpr std::string_view kChatIdsAllowed =
    "a list of Telegram chat ids, e.g. [123456789] (integers or digit strings)";

// "a, b, c".
std::string Join(Keys keys);
// `path.key`, or `key` at the top level.
std::string Child(std::string_view path, std::string_view key);
// `path[index]`.
std::string Indexed(std::string_view path, std::size_t index);
bool IsBlank(std::string_view text);
// Without leading and trailing spaces.
std::string_view Trim(std::string_view text);
// What a node is, for "got ..." in messages: `a string "30"`, `an integer 5`.
std::string Describe(const toml::node& node);
// A Telegram chat id: an optional '-' then 1..20 digits.
bool IsChatId(std::string_view id);

// Turns problems into ConfigErrors that name the source, line and key.
class Reporter {
public:
    explicit Reporter(std::string source) : source_(std::move(source)) {}

    // Throws "source[:line]: key: problem[; allowed: allowed]"; the line is
    // omitted when `where` has none (e.g. a key that is missing entirely).
    [[noreturn]] void Fail(const toml::source_region& where, std::string_view key,
                           std::string_view problem, std::string_view allowed = {}) const {
        std::string message = source_;
        if (where.begin.line > 0) message += ":" + std::to_string(where.begin.line);
        message += ": " + std::string(key) + ": " + std::string(problem);
        if (!allowed.empty()) message += "; allowed: " + std::string(allowed);
        throw ConfigError(message);
    }

    [[noreturn]] void WrongType(const toml::node& node, std::string_view key,
                                std::string_view allowed) const {
        Fail(node.source(), key, "got " + Describe(node), allowed);
    }

    // Rejects keys of `table` (at `path`) that are not in `allowed`.
    void CheckKeys(const toml::table& table, std::string_view path, Keys allowed) const {
        for (const auto& [key, node] : table) {
            if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
                Fail(key.source(), Child(path, key.str()), "unknown key", Join(allowed));
            }
        }
    }

    // The value of type T at `key`, nullptr if absent; throws if of another type.
    template <typename T>
    auto Get(const toml::table& table, std::string_view path, std::string_view key,
             std::string_view allowed) const {
        const toml::node* node = table.get(key);
        decltype(node->as<T>()) value = nullptr;
        if (node == nullptr) return value;
        value = node->as<T>();
        if (value == nullptr) WrongType(*node, Child(path, key), allowed);
        return value;
    }

    std::optional<int> GetInt(const toml::table& table, std::string_view path, std::string_view key,
                              int min, int max) const {
        const std::string allowed =
            "an integer " + std::to_string(min) + ".." + std::to_string(max);
        const auto* value = Get<std::int64_t>(table, path, key, allowed);
        if (value == nullptr) return std::nullopt;
        if (value->get() < min || value->get() > max) {
            Fail(value->source(), Child(path, key), "got " + std::to_string(value->get()), allowed);
        }
        return static_cast<int>(value->get());
    }

    // A string that, when `non_blank`, must hold more than white space.
    std::optional<std::string> GetString(const toml::table& table, std::string_view path,
                                         std::string_view key, bool non_blank) const {
        const auto* value = Get<std::string>(table, path, key, kTextAllowed);
        if (value == nullptr) return std::nullopt;
        if (non_blank && IsBlank(value->get())) {
            Fail(value->source(), Child(path, key), "is blank", kTextAllowed);
        }
        return value->get();
    }

private:
    std::string source_;
};

// [reminders]: lead_hours (distinct whole hours, 1..kMaxReminderLeadHours;
// [] = no reminders) and WhatsApp's approved template.
void ReadReminders(const Reporter& reporter, const toml::table& table, core::Business& business);
// [staff]: who acts for the business, and when the daily agenda goes out.
void ReadStaff(const Reporter& reporter, const toml::table& table, core::StaffSettings& staff);

}  // namespace bookbot::app::config_detail
