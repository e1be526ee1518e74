#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bookbot/transports/platform/platform.hpp"

namespace bookbot::app {

using Platforms = std::vector<std::unique_ptr<transports::Platform>>;

// One of each platform this binary knows, unconfigured (platforms.cpp: adding
// a platform is one line there).
Platforms MakePlatforms();

// Declares `settings` on `command` (CLI11 options with their environment
// variables, ranges and choices): the only place platform settings meet CLI11.
void AddSettings(CLI::App& command, const std::vector<transports::Setting>& settings);

// Every platform's settings on `command`, in registration order.
void AddPlatformSettings(CLI::App& command, Platforms& platforms);

// Where the webhook paths of `platforms` (their WebhookPaths()) clash with
// each other or with serve's own /healthz, /readyz, /metrics: a sentence
// naming both sides, or nullopt. serve refuses to start on one; doctor fails
// its "webhook paths" check.
std::optional<std::string> FindWebhookPathClash(const Platforms& platforms);

// The platforms' Help() sentences, for a command's description.
std::string PlatformsHelp(const Platforms& platforms);

}  // namespace bookbot::app
