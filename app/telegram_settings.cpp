#include "telegram_settings.hpp"

#include "logging.hpp"
#include "platforms.hpp"

namespace bookbot::app {

void AddTelegramOptions(CLI::App& command, TelegramSettings& settings) {
    AddSettings(command, transports::telegram::ConnectionSettings(settings));
}

void RequireTelegramToken(TelegramSettings& settings) {
    transports::telegram::RequireTelegramToken(settings, AddSecret);
}

}  // namespace bookbot::app
