#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "bookbot/transports/platform/platform.hpp"
#include "bookbot/transports/telegram/settings.hpp"

namespace bookbot::transports::telegram {

// doctor's "telegram token" (getMe) and "telegram webhook" (getWebhookInfo
// against the mode serve would run in) checks. Resolves `settings` itself.
std::vector<CheckResult> DoctorChecks(TelegramSettings& settings, const std::string& mode_option,
                                      std::chrono::milliseconds timeout, const SecretSink& secrets,
                                      const core::Clock& clock);

}  // namespace bookbot::transports::telegram
