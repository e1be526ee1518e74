#pragma once

#include <CLI/CLI.hpp>

#include "bookbot/transports/telegram/settings.hpp"

// The `telegram …` commands' view of transports/telegram/settings.hpp: the
// same settings, with secrets registered with the log.
namespace bookbot::app {

using transports::telegram::ConnectTelegram;
using transports::telegram::TelegramConnection;
using transports::telegram::TelegramSettings;

// --telegram-token-file and --telegram-api.
void AddTelegramOptions(CLI::App& command, TelegramSettings& settings);

// transports::telegram::RequireTelegramToken, masking the secrets in logs.
void RequireTelegramToken(TelegramSettings& settings);

}  // namespace bookbot::app
