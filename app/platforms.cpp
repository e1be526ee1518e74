#include "platforms.hpp"

#include <map>
#include <type_traits>

#include "bookbot/transports/telegram/platform.hpp"
#include "bookbot/transports/whatsapp/platform.hpp"

namespace bookbot::app {

Platforms MakePlatforms() {
    Platforms platforms;
    // The registration list: one line per platform.
    platforms.push_back(std::make_unique<transports::telegram::TelegramPlatform>());
    platforms.push_back(std::make_unique<transports::whatsapp::WhatsAppPlatform>());
    return platforms;
}

void AddSettings(CLI::App& command, const std::vector<transports::Setting>& settings) {
    for (const transports::Setting& s : settings) {
        std::visit(
            [&](auto* target) {
                using T = std::remove_pointer_t<decltype(target)>;
                CLI::Option* option = command.add_option(s.flag, *target, s.help);
                if (!s.env.empty()) option->envname(s.env);
                if constexpr (std::is_arithmetic_v<T>) {
                    if (s.min < s.max) {
                        option->check(CLI::Range(static_cast<T>(s.min), static_cast<T>(s.max)));
                    }
                } else {
                    if (!s.choices.empty()) option->check(CLI::IsMember(s.choices));
                }
                if (s.show_default) option->capture_default_str();
            },
            s.value);
    }
}

void AddPlatformSettings(CLI::App& command, Platforms& platforms) {
    for (auto& platform : platforms) AddSettings(command, platform->Settings());
}

std::optional<std::string> FindWebhookPathClash(const Platforms& platforms) {
    std::map<std::string, std::string> owners = {{"/healthz", "serve's own /healthz"},
                                                 {"/readyz", "serve's own /readyz"},
                                                 {"/metrics", "serve's own /metrics"}};
    for (const auto& platform : platforms) {
        for (const std::string& path : platform->WebhookPaths()) {
            const std::string owner = std::string(platform->Name()) + "'s webhook";
            const auto [it, fresh] = owners.emplace(path, owner);
            if (!fresh) {
                std::string clash = owner;
                clash.append(" and ").append(it->second).append(" are both on the path '");
                clash.append(path).append("': give each webhook a path of its own");
                return clash;
            }
        }
    }
    return std::nullopt;
}

std::string PlatformsHelp(const Platforms& platforms) {
    std::string help;
    for (const auto& platform : platforms) help += " " + platform->Help();
    return help;
}

}  // namespace bookbot::app
