#pragma once

#include <filesystem>
#include <string>

#include "bench_options.hpp"
#include "webhook_driver.hpp"

namespace bookbot::bench {

// One run of the real `bookbot serve` under load, and what it cost it.
struct ServeRun {
    DriveResult drive;
    double cpu_ms = 0;        // bookbot's user + system CPU over the load
    double switches = 0;      // bookbot's context switches over the load
    double idle_rss_mib = 0;  // VmRSS once listening, before any load
    double peak_rss_mib = 0;  // VmHWM at the end
};

// Starts a fake Bot API and `bookbot serve --telegram webhook` on `db_url`
// with the business in `config` (pacing off), drives `chats` booking flows
// over `concurrency` webhook connections, stops the bot. Throws when the bot
// does not start.
ServeRun RunServe(const std::string& db_url, const std::filesystem::path& config, int chats,
                  int concurrency, const BenchOptions& options);

// `--mode serve`: the main run and, unless told not to, one at exactly 64
// concurrent chats; prints the figures. Returns whether every flow completed.
bool ServeMode(const BenchOptions& options, const std::filesystem::path& work_dir);

}  // namespace bookbot::bench
