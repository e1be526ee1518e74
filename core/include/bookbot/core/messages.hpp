#pragma once

#include <string>
#include <utility>
#include <vector>

#include "bookbot/core/clock.hpp"

namespace bookbot::core {

// What a transport hands the engine: one update, already parsed and
// authenticated at the edge.
struct Inbound {
    enum class Kind {
        kText,         // the user typed `payload`
        kButton,       // the user pressed a button whose payload is `payload`
        kUnsupported,  // a photo, a sticker, …: answered politely
    };

    std::string platform;     // "telegram", "whatsapp", "console"
    std::string external_id;  // the platform's id of the update: the dedupe key
    std::string user_id;
    std::string chat_id;
    Kind kind = Kind::kText;
    std::string payload;
    TimePoint at{};
};

struct Button {
    std::string label;
    std::string payload;  // at most 64 bytes (Telegram's callback_data limit)

    friend bool operator==(const Button&, const Button&) = default;
};

// One message the bot sends: text and rows of buttons.
struct Reply {
    std::string text;
    std::vector<std::vector<Button>> keyboard;

    // A reply with text only.
    static Reply Plain(std::string text) {
        Reply reply;
        reply.text = std::move(text);
        return reply;
    }

    friend bool operator==(const Reply&, const Reply&) = default;
};

// A reply as the outbox stores it, and back. Lossless for any bytes; throws
// std::invalid_argument on text that EncodeReply did not make.
std::string EncodeReply(const Reply& reply);
Reply DecodeReply(const std::string& encoded);

}  // namespace bookbot::core
