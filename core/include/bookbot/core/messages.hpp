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
    // Most updates are messages for the flows (kMessage, then `kind` says
    // which). A platform also reports that the user blocked the bot or
    // unblocked it: the engine records that in the same unit as the dedupe
    // (the outbox then holds back, or again sends, that chat's replies) and
    // runs no flow; `kind` and `payload` are unused. (A separate field rather
    // than more `Kind` values, so that the flows see only messages.)
    enum class Event { kMessage, kBlocked, kUnblocked };

    std::string platform;     // "telegram", "whatsapp", "console"
    std::string external_id;  // the platform's id of the update: the dedupe key
    std::string user_id;
    std::string chat_id;
    Event event = Event::kMessage;
    Kind kind = Kind::kText;
    std::string payload;
    TimePoint at{};
    // For a button press: the platform's id of the message the button was on
    // (empty when unknown), so the answer can replace that message.
    std::string origin_message_id;
    // The sender's name as the platform shows it (empty when unknown): how
    // staff notifications name the customer.
    std::string display_name;
};

struct Button {
    std::string label;
    std::string payload;  // at most 64 bytes (Telegram's callback_data limit)

    friend bool operator==(const Button&, const Button&) = default;
};

// A message template approved by the platform (WhatsApp sends only these
// outside its 24-hour window): its name, language code and body parameters.
struct MessageTemplate {
    std::string name;
    std::string language = "en";
    std::vector<std::string> params;

    friend bool operator==(const MessageTemplate&, const MessageTemplate&) = default;
};

// One message the bot sends: text and rows of buttons.
struct Reply {
    std::string text;
    std::vector<std::vector<Button>> keyboard;
    // When set, the platform's id of an earlier message this reply replaces
    // (where the platform can edit; others send it as a new message).
    std::string edit_message_id;
    // When `name` is set, a platform that needs templates sends this template
    // instead of the text (its buttons, if any, are the template's own);
    // others ignore it and send text and keyboard.
    MessageTemplate template_message{"", "", {}};

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
