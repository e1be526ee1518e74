#pragma once

#include <optional>
#include <string>

namespace bookbot::bench {

// What one `bookbot_bench` run does; filled from the command line.
struct BenchOptions {
    std::string mode = "serve";      // serve: the real binary over HTTP; engine: in-process
    int chats = 1000;                // booking flows driven, each in its own chat
    int concurrency = 64;            // serve: webhook connections at once
    int threads = 1;                 // engine: threads driving flows (the raw upserts use one)
    bool also_64 = true;             // serve: one more run at exactly 64 concurrent chats
    std::string backend = "sqlite";  // a fresh database per run, as the tests make them
    std::optional<std::string> db;   // or this URL (must be migratable, may hold data)
    int upserts = 20'000;            // engine: raw one-row upsert transactions timed
    int fill = 0;                    // engine: bookings of past days made before the run
    unsigned seed = 1;               // picks of service, day and time
    int timeout_seconds = 600;       // a run that takes longer stops and counts what finished
};

}  // namespace bookbot::bench
