// `bookbot staff link`, `bookbot staff list` and `bookbot staff remove`.

#include <memory>
#include <random>

#include "admin_commands.hpp"
#include "admin_support.hpp"
#include "bookbot/core/clock.hpp"
#include "config.hpp"

namespace bookbot::app {
namespace {

struct StaffOptions : AdminOptions {
    std::int64_t minutes = 15;
    std::string platform;
    std::string chat_id;
};

// XXXX-XXXX from 32 letters and digits that cannot be misread (no 0/O, 1/I):
// 40 bits, used once and only for minutes.
std::string NewLinkCode() {
    constexpr std::string_view kAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::random_device random;
    std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
    std::string code;
    for (int i = 0; i < 8; ++i) {
        if (i == 4) code += '-';
        code += kAlphabet[pick(random)];
    }
    return code;
}

void Link(const StaffOptions& o) {
    auto store = OpenAdminStore(o.db);
    const core::TimePoint now = core::SystemClock().Now();
    const core::TimePoint expires = now + std::chrono::minutes(o.minutes);
    const std::string code = NewLinkCode();
    store->Write([&](core::UnitOfWork& unit) { unit.AddLinkCode(code, expires, now); });
    Report(o,
           "Send this to the bot from the chat (a person or a group) that should become a staff "
           "chat:\n  /link " +
               code + "\nIt works once, until " + FormatIsoUtc(expires) + ".",
           {{"code", code}, {"command", "/link " + code}, {"expires_at", FormatIsoUtc(expires)}});
}

void List(const StaffOptions& o) {
    const core::Business business = LoadBusinessOrDemo(o.config);
    auto store = OpenAdminStore(o.db);
    const auto enrolled = store->Read([](core::UnitOfWork& unit) { return unit.ListStaffChats(); });
    nlohmann::json json = nlohmann::json::array();
    TextTable table{{"PLATFORM", "CHAT", "SOURCE", "SINCE"}, {}, {}};
    for (const auto& [platform, ids] : business.staff.chats) {
        for (const std::string& id : ids) {
            table.rows.push_back({platform, id, "configuration", "-"});
            json.push_back({{"platform", platform}, {"chat_id", id}, {"source", "configuration"}});
        }
    }
    for (const core::StaffChat& chat : enrolled) {
        const std::string since = FormatIsoUtc(chat.enrolled_at);
        table.rows.push_back({chat.platform, chat.chat_id, "enrolled", since});
        json.push_back({{"platform", chat.platform},
                        {"chat_id", chat.chat_id},
                        {"source", "enrolled"},
                        {"enrolled_at", since}});
    }
    if (o.json) {
        PrintJson(json, stdout);
        return;
    }
    PrintTable(table, stdout);
    std::printf("%zu staff chat(s)\n", table.rows.size());
}

void Remove(const StaffOptions& o) {
    auto store = OpenAdminStore(o.db);
    const bool removed = store->Write(
        [&](core::UnitOfWork& unit) { return unit.RemoveStaffChat(o.platform, o.chat_id); });
    if (!removed) {
        throw CommandFailed("no enrolled staff chat " + o.platform + "/" + o.chat_id +
                            " (see `bookbot staff list`; chats listed in the configuration are "
                            "removed there)");
    }
    Report(o, "removed staff chat " + o.platform + "/" + o.chat_id,
           {{"platform", o.platform}, {"chat_id", o.chat_id}, {"removed", true}});
}

}  // namespace

void AddStaffCommand(CLI::App& app) {
    auto o = std::make_shared<StaffOptions>();
    CLI::App* group = AddCommandGroup(
        app, "staff",
        "The chats that act for the business: booking notifications, hand-offs, /today.");

    CLI::App* link = AddAdminCommand(
        *group, "link",
        "Print a one-time code; the chat that sends `/link CODE` to the bot becomes staff.", *o);
    AddCountOption(*link, "--minutes", o->minutes, "How long the code is valid");
    link->callback([o] { Link(*o); });

    CLI::App* list = AddBusinessCommand(
        *group, "list", "Staff chats: those in the configuration and those enrolled.", *o);
    list->callback([o] { List(*o); });

    CLI::App* remove = AddAdminCommand(*group, "remove", "Remove an enrolled staff chat.", *o);
    remove->add_option("platform", o->platform, "telegram or whatsapp")->required();
    remove->add_option("chat_id", o->chat_id, "The chat's id, as `bookbot staff list` shows")
        ->required();
    remove->callback([o] { Remove(*o); });
}

}  // namespace bookbot::app
