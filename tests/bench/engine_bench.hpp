#pragma once

#include <cstdint>
#include <filesystem>

#include "bench_options.hpp"
#include "bookbot/core/engine.hpp"

namespace bookbot::bench {

struct EngineRun {
    int chats = 0;
    int completed = 0;  // flows that ended with "Booked: …"
    int stuck = 0;      // flows whose keyboard offered no way on
    std::int64_t updates = 0;
    double seconds = 0;
};

// Drives `chats` booking flows through Engine::Handle on `threads` threads,
// each thread one flow at a time (no HTTP, no outbox sending).
EngineRun DriveEngine(core::Engine& engine, const core::Clock& clock, int chats, int threads,
                      unsigned seed);

// `--mode engine`: the flows through the engine, then raw upserts on the
// same database; prints the figures. Returns whether every flow completed.
bool EngineMode(const BenchOptions& options, const std::filesystem::path& work_dir);

}  // namespace bookbot::bench
