#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "bookbot/core/messages.hpp"

// Graph API request bodies (JSON text), built from core types. Pure functions.
// WhatsApp has no message edits: every reply is a new message, and a reply's
// edit_message_id is ignored.
namespace bookbot::transports::whatsapp {

// WhatsApp's limits, in characters (code points) unless marked bytes. A
// platform declares kMaxChoices to the core, which pages its lists to it.
inline constexpr std::size_t kMaxText = 4096;
inline constexpr std::size_t kMaxInteractiveBody = 1024;
inline constexpr std::size_t kMaxReplyButtons = 3;
inline constexpr std::size_t kMaxButtonTitle = 20;
inline constexpr std::size_t kMaxChoices = 10;  // rows of a list message, in all
inline constexpr std::size_t kMaxRowTitle = 24;
inline constexpr std::size_t kMaxRowDescription = 72;
inline constexpr std::size_t kMaxListButton = 20;
inline constexpr std::size_t kMaxChoiceIdBytes = 256;
inline constexpr std::string_view kEllipsis = "…";
// Sent instead of empty (or whitespace-only) text, which WhatsApp refuses.
inline constexpr std::string_view kEmptyTextPlaceholder = "…";

// `text` made sendable: invalid UTF-8 replaced by U+FFFD; past `max_chars`
// code points, cut on a code point boundary and ended with kEllipsis so the
// result is exactly within the limit; blank text becomes the placeholder.
std::string FitChars(std::string_view text, std::size_t max_chars);

// Code points in `text` (an invalid byte counts as one).
std::size_t CharCount(std::string_view text);

struct MessageOptions {
    // The label of the button that opens a list message.
    std::string list_button = "Choose";
};

// The body of POST /{version}/{phone-number-id}/messages for `reply` to the
// WhatsApp id `to`:
//   no buttons                      → a text message (≤ 4096 characters);
//   1–3 buttons, every label ≤ 20    → an interactive "button" message;
//   otherwise up to 10 buttons       → an interactive "list" message, one row
//     per button in keyboard order; a label over 24 characters is shortened
//     with "…" and kept whole (up to 72 characters) as the row's description.
// The interactive body is cut to 1024 characters. Choices are never dropped:
// throws std::length_error for more than kMaxChoices buttons or an id outside
// 1–256 bytes, std::invalid_argument for an id that is not valid UTF-8 or
// appears twice (the engine made a reply WhatsApp cannot carry).
std::string MessageBody(std::string_view to, const core::Reply& reply,
                        const MessageOptions& options = {});

// Marks an inbound message read (and shows the blue ticks).
std::string MarkReadBody(std::string_view message_id);

}  // namespace bookbot::transports::whatsapp
