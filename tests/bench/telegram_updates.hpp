#pragma once

#include <cstdint>
#include <string>

namespace bookbot::bench {

// Telegram updates as the Bot API POSTs them to a webhook (shapes as in
// tests/fixtures/telegram), for a private chat whose id is the user's id.

// A text message, e.g. "/start".
std::string TextUpdate(std::int64_t update_id, std::int64_t chat_id, const std::string& text);

// A press of the button with `callback_data` on message `message_id`.
std::string ButtonUpdate(std::int64_t update_id, std::int64_t chat_id, std::int64_t message_id,
                         const std::string& callback_data);

}  // namespace bookbot::bench
