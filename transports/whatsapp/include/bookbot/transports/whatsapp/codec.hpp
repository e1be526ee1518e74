#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/messages.hpp"
#include "bookbot/core/records.hpp"
#include "bookbot/transports/common/codec_error.hpp"

// WhatsApp Cloud API webhooks → core types. Pure functions: no I/O, no clock,
// safe on any input. Request bodies are in requests.hpp, Graph API answers in
// graph_api.hpp, the signature and the verification handshake in webhook_auth.hpp.
namespace bookbot::transports::whatsapp {

inline constexpr std::string_view kPlatform = "whatsapp";

// Budgets for one webhook body (nesting is bounded by the shared JSON parser).
// A real one is a few KiB and carries a handful of messages; a body past any
// of these is hostile and answered 400.
inline constexpr std::size_t kMaxWebhookBytes = std::size_t{1024} * 1024;
inline constexpr std::size_t kMaxEvents = 1000;  // messages + statuses in one body
// Ids we store or echo (wamid, phone numbers, button ids) are never longer.
inline constexpr std::size_t kMaxIdBytes = 256;
inline constexpr std::size_t kMaxErrorBytes = 300;

// A body that cannot be a webhook: not JSON (invalid UTF-8 included), over a
// budget or too deeply nested. The message never contains more than a byte
// offset of the input.
using transports::CodecError;

// What WhatsApp says became of a message the bot sent (statuses[]).
struct StatusEvent {
    enum class State { kSent, kDelivered, kRead, kFailed, kOther };

    std::string message_id;    // the wamid the Graph API returned when we sent it
    std::string recipient_id;  // the customer's WhatsApp id
    State state = State::kOther;
    std::string status;    // WhatsApp's name for it ("delivered", …), at most 32 bytes
    core::TimePoint at{};  // its timestamp, or the time received when unreadable
    // kFailed: "<code> <title>: <details>" from errors[0], cut to kMaxErrorBytes.
    std::string error;
};

struct WebhookEvents {
    // One per usable message, in body order; each its own unit of work,
    // deduplicated by external_id (the wamid). user_id and chat_id are the
    // sender's WhatsApp id (wa_id); `at` is the time received.
    std::vector<core::Inbound> messages;
    std::vector<StatusEvent> statuses;
    // Why other items were skipped ("system message", "malformed: messages[].from",
    // "other phone number", …); never a copy of user content.
    std::vector<std::string> ignored;
};

// One webhook body. `phone_number_id`, when not empty, is the only number
// whose changes are read (one app can serve several numbers).
//   text → kText (text.body).
//   interactive button_reply / list_reply → kButton with its id;
//     origin_message_id = context.id.
//   button (a template quick-reply) → kButton with its payload (kText with
//     its text when it has no payload).
//   image, audio, video, document, sticker, location, contacts, reaction,
//     order, unsupported, other interactive types → kUnsupported with the
//     type's name as payload.
//   system messages, unknown types and fields, changes other than "messages"
//     → ignored. A message without a usable id or sender → ignored
//     "malformed: …": acknowledging it beats a week of redelivery.
// Throws CodecError only for what the class comment lists.
WebhookEvents ParseWebhook(std::string_view body, core::TimePoint received_at,
                           std::string_view phone_number_id = {});

std::string_view ToString(StatusEvent::State state) noexcept;

// The store's form of a status (what UnitOfWork::RecordDelivery takes);
// nullopt for kOther, which the store does not track.
std::optional<core::DeliveryReport> ToDeliveryReport(const StatusEvent& status);

}  // namespace bookbot::transports::whatsapp
