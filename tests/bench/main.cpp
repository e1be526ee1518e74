// bookbot_bench: the figures of issue 4. A program, not a timed test: it
// prints what it measured next to its target and exits non-zero only when a
// booking flow did not complete (or the run could not be made).
//   serve mode: the real `bookbot serve` over its Telegram webhook, with a
//               fake Bot API receiving the replies.
//   engine mode: core::Engine in-process, against raw upserts on the same
//               database.
// scripts/bench.sh runs both on SQLite and PostgreSQL.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <thread>

#include "bench_options.hpp"
#include "engine_bench.hpp"
#include "serve_bench.hpp"

namespace {

using bookbot::bench::BenchOptions;

void AddOptions(CLI::App& app, BenchOptions& o) {
    app.add_option("--mode", o.mode, "serve (the real binary over HTTP) or engine (in-process)")
        ->check(CLI::IsMember({"serve", "engine"}))
        ->capture_default_str();
    app.add_option("--chats", o.chats, "Booking flows, one chat each, all under way at once")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    app.add_option("--concurrency", o.concurrency, "serve: webhook connections at once")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    app.add_option("--threads", o.threads, "engine: threads driving flows")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    app.add_flag("!--no-64", o.also_64, "serve: skip the extra run at exactly 64 concurrent chats");
    app.add_option("--backend", o.backend,
                   "A fresh database per run: sqlite (a temp file) or postgres (a new database "
                   "on BOOKBOT_TEST_POSTGRES_URL's server, as scripts/test.sh starts one)")
        ->check(CLI::IsMember({"sqlite", "postgres"}))
        ->capture_default_str();
    app.add_option("--db", o.db, "Use this database URL instead (it is migrated, never dropped)");
    app.add_option("--upserts", o.upserts, "engine: raw upsert transactions to time")
        ->check(CLI::Range(1, 100'000'000))
        ->capture_default_str();
    app.add_option("--fill", o.fill,
                   "engine: bookings made before the run, on the days before today (history), "
                   "to compare the cost per update with an empty database")
        ->check(CLI::Range(0, 10'000'000))
        ->capture_default_str();
    app.add_option("--seed", o.seed, "Seed of the service/day/time picks")->capture_default_str();
    app.add_option("--timeout", o.timeout_seconds, "Seconds a run may take")
        ->check(CLI::Range(1, 86400))
        ->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app("bookbot_bench: throughput, latency, CPU and memory of bookbot");
    BenchOptions options;
    AddOptions(app, options);
    CLI11_PARSE(app, argc, argv);

    const auto work_dir =
        std::filesystem::temp_directory_path() / ("bookbot_bench_" + std::to_string(getpid()));
    std::filesystem::create_directories(work_dir);
    int exit_code = 1;
    try {
        std::printf("bookbot_bench: %s mode, %u CPUs online\n", options.mode.c_str(),
                    std::thread::hardware_concurrency());
        const bool complete = options.mode == "engine"
                                  ? bookbot::bench::EngineMode(options, work_dir)
                                  : bookbot::bench::ServeMode(options, work_dir);
        if (!complete) std::fprintf(stderr, "bookbot_bench: not every booking flow completed\n");
        exit_code = complete ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bookbot_bench: %s\n", e.what());
    }
    std::error_code ignored;
    std::filesystem::remove_all(work_dir, ignored);
    return exit_code;
}
