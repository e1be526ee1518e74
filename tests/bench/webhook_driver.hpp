#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "bookbot/transports/http/client.hpp"
#include "fake_bot_api.hpp"

namespace bookbot::bench {

struct DriverOptions {
    int chats = 1000;
    int concurrency = 64;  // webhook POSTs in flight at most
    // Chats are first_chat_id, first_chat_id + 1, …; update ids start at
    // first_chat_id * 1000. Fresh ones per run, so no update reads as a repeat.
    std::int64_t first_chat_id = 1'000'000;
    std::string webhook_path = "/telegram/webhook";
    unsigned seed = 1;
    std::chrono::seconds timeout{600};
};

struct DriveResult {
    int chats = 0;
    int completed = 0;               // flows that ended with "Booked: …"
    int stuck = 0;                   // flows whose keyboard offered no way on (no free slot)
    std::int64_t updates = 0;        // webhook POSTs answered 200
    std::int64_t rejected = 0;       // answered otherwise, delivered again
    std::int64_t errors = 0;         // no answer at all, delivered again
    std::vector<double> webhook_ms;  // POST sent → status received, per answered POST
    std::vector<double> reply_ms;    // update sent → its first reply at the fake API
    double seconds = 0;              // first POST → last flow finished
};

// Drives `chats` booking flows at once through the Telegram webhook of a
// running bookbot (`client` is bound to its base URL and sends the secret
// header with every request), as Telegram would: a
// chat's next update is sent once the bot's reply to the previous one has
// reached the fake Bot API `api`, pressing a button the bot actually sent (a
// callback_query with its callback_data and message id). Installs its own
// observer on `api` for the run. Returns when every flow finished or the
// timeout passed.
DriveResult DriveWebhook(transports::http::Client& client, testing::FakeBotApi& api,
                         const DriverOptions& options);

}  // namespace bookbot::bench
