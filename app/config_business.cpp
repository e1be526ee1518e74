// The business side of the configuration: [reminders] and [staff].

#include <toml++/toml.h>

#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "bookbot/core/schedule.hpp"
#include "config_reader.hpp"

namespace bookbot::app::config_detail {
namespace {

constexpr std::array<std::string_view, 3> kReminderKeys = {"lead_hours", "whatsapp_template",
                                                           "whatsapp_template_language"};
constexpr std::array<std::string_view, 3> kStaffKeys = {"telegram_chat_ids", "whatsapp_numbers",
                                                        "agenda_time"};

}  // namespace

void ReadReminders(const Reporter& reporter, const toml::table& table, core::Business& business) {
    constexpr std::string_view kPath = "reminders";
    reporter.CheckKeys(table, kPath, kReminderKeys);
    const std::string allowed = "a list of distinct whole hours 1.." +
                                std::to_string(kMaxReminderLeadHours) + ", e.g. [24, 2]; [] = off";
    if (const auto* leads = reporter.Get<toml::array>(table, kPath, "lead_hours", allowed)) {
        business.reminder_leads.clear();
        for (std::size_t i = 0; i < leads->size(); ++i) {
            const toml::node& node = *leads->get(i);
            const auto* hours = node.as_integer();
            const std::string key = Indexed(Child(kPath, "lead_hours"), i);
            if (hours == nullptr) reporter.WrongType(node, key, allowed);
            if (hours->get() < 1 || hours->get() > kMaxReminderLeadHours) {
                reporter.Fail(node.source(), key, "got " + std::to_string(hours->get()), allowed);
            }
            const std::chrono::hours lead{hours->get()};
            if (std::find(business.reminder_leads.begin(), business.reminder_leads.end(), lead) !=
                business.reminder_leads.end()) {
                reporter.Fail(node.source(), key, "listed twice", allowed);
            }
            business.reminder_leads.push_back(lead);
        }
    }
    if (auto name = reporter.GetString(table, kPath, "whatsapp_template", true)) {
        core::MessageTemplate& whatsapp = business.reminder_templates["whatsapp"];
        whatsapp.name = std::move(*name);
        if (auto language = reporter.GetString(table, kPath, "whatsapp_template_language", true)) {
            whatsapp.language = std::move(*language);
        }
    }
}

bool IsChatId(std::string_view id) {
    if (id.starts_with('-')) id.remove_prefix(1);
    return !id.empty() && id.size() <= 20 &&
           std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void ReadStaff(const Reporter& reporter, const toml::table& table, core::StaffSettings& staff) {
    reporter.CheckKeys(table, "staff", kStaffKeys);
    const auto read_list = [&](std::string_view key, std::string_view allowed, auto valid) {
        std::vector<std::string> ids;
        const auto* list = reporter.Get<toml::array>(table, "staff", key, allowed);
        for (std::size_t i = 0; list != nullptr && i < list->size(); ++i) {
            const toml::node& node = *list->get(i);
            std::string id;
            if (const auto* n = node.as<std::int64_t>()) id = std::to_string(n->get());
            if (const auto* t = node.as<std::string>()) id = std::string(Trim(t->get()));
            if (!valid(id)) reporter.WrongType(node, Indexed(Child("staff", key), i), allowed);
            ids.push_back(id);
        }
        if (!ids.empty())
            staff.chats[std::string(key == "telegram_chat_ids" ? "telegram" : "whatsapp")] = ids;
    };
    read_list("telegram_chat_ids", kChatIdsAllowed, IsChatId);
    read_list("whatsapp_numbers",
              "a list of phone numbers as digit strings, e.g. [\"4915112345678\"]",
              [](std::string_view n) { return n.size() >= 6 && IsChatId(n) && n[0] != '-'; });
    if (const auto time = reporter.GetString(table, "staff", "agenda_time", true)) {
        staff.agenda_minute = core::ParseMinuteOfDay(Trim(*time));
        if (!staff.agenda_minute || *staff.agenda_minute >= 24 * 60) {
            reporter.Fail(table.get("agenda_time")->source(), "staff.agenda_time",
                          "got \"" + *time + "\"", "a local time \"HH:MM\", e.g. \"08:00\"");
        }
    }
}

}  // namespace bookbot::app::config_detail
