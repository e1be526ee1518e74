#include "bookbot/core/commands.hpp"

#include <array>
#include <cctype>

namespace bookbot::core {
namespace {

struct Known {
    std::string_view name;
    CustomerCommand command;
    bool in_menu;
};

// "/menu" is an old alias of "/start", accepted but not advertised.
constexpr std::array<Known, 6> kKnown = {{
    {"start", CustomerCommand::kStart, true},
    {"book", CustomerCommand::kBook, true},
    {"bookings", CustomerCommand::kBookings, true},
    {"cancel", CustomerCommand::kCancel, true},
    {"help", CustomerCommand::kHelp, true},
    {"menu", CustomerCommand::kStart, false},
}};

std::string_view Trim(std::string_view s) {
    const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::optional<CustomerCommand> ParseCustomerCommand(std::string_view text) {
    std::string_view word = Trim(text);
    if (word.starts_with('/')) {
        word.remove_prefix(1);
        // "/book@ShopBot": Telegram's form in groups. Any bot name is
        // accepted: Telegram only delivers a group's "/cmd@name" to that bot.
        if (const auto at = word.find('@'); at != std::string_view::npos) {
            const std::string_view bot = word.substr(at + 1);
            if (bot.empty() || bot.find_first_of(" \t\n") != std::string_view::npos) {
                return std::nullopt;
            }
            word = word.substr(0, at);
        }
    }
    const std::string name = Lower(word);
    for (const Known& k : kKnown) {
        if (name == k.name) return k.command;
    }
    return std::nullopt;
}

std::optional<CustomerCommand> HandOffCommand(std::string_view text) {
    const std::optional<CustomerCommand> command = ParseCustomerCommand(text);
    if (!command || *command == CustomerCommand::kHelp || !Trim(text).starts_with('/')) {
        return std::nullopt;
    }
    return command;
}

std::vector<CommandEntry> CustomerCommandMenu(const Business& business) {
    std::vector<CommandEntry> menu;
    for (const Known& k : kKnown) {
        if (!k.in_menu) continue;
        menu.push_back({std::string(k.name), business.Text("command_" + std::string(k.name))});
    }
    return menu;
}

}  // namespace bookbot::core
