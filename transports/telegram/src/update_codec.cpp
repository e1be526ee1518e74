#include <algorithm>
#include <array>
#include <charconv>
#include <limits>

#include "bookbot/transports/common/json.hpp"
#include "bookbot/transports/telegram/codec.hpp"

namespace bookbot::transports::telegram {
namespace {

using json::Int64;
using json::Json;
using json::Member;
using json::ObjectMember;
using json::String;

// Message content a user can send that the bot cannot read: answered with
// "unsupported". Any other message without text is a service message
// (pinned, new members, payments…) and needs no answer.
constexpr std::array<std::string_view, 18> kUnsupportedContent = {
    "animation", "audio",    "contact",    "dice",       "document", "game",
    "invoice",   "location", "paid_media", "photo",      "poll",     "sticker",
    "story",     "venue",    "video",      "video_note", "voice",    "checklist",
};

// Update types bookbot does not handle, named in the reason as they are.
constexpr std::array<std::string_view, 20> kIgnoredUpdateTypes = {
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
};

ParsedUpdate Ignored(ParsedUpdate update, std::string reason) {
    update.kind = ParsedUpdate::Kind::kIgnored;
    update.reason = std::move(reason);
    return update;
}

ParsedUpdate Malformed(ParsedUpdate update, std::string_view field) {
    return Ignored(std::move(update), "malformed: " + std::string(field));
}

// The chat of a message or my_chat_member, if it is a private chat. Otherwise
// `reason` says why not (a known chat type is named; input is never echoed).
std::optional<std::int64_t> PrivateChatId(const Json& holder, std::string_view where,
                                          std::string& reason) {
    const Json* chat = ObjectMember(holder, "chat");
    const auto type = chat != nullptr ? String(Member(*chat, "type")) : std::nullopt;
    if (!type) {
        reason = "malformed: " + std::string(where) + ".chat";
        return std::nullopt;
    }
    if (*type != "private") {
        const bool known = *type == "group" || *type == "supergroup" || *type == "channel";
        reason = known ? *type + " chat" : "non-private chat";
        return std::nullopt;
    }
    const auto id = Int64(Member(*chat, "id"));
    if (!id) reason = "malformed: " + std::string(where) + ".chat.id";
    return id;
}

std::optional<std::int64_t> SenderId(const Json& holder) {
    const Json* from = ObjectMember(holder, "from");
    return from != nullptr ? Int64(Member(*from, "id")) : std::nullopt;
}

// "First Last" of the sender, as Telegram shows it; empty when not given.
std::string DisplayName(const Json& holder) {
    const Json* from = ObjectMember(holder, "from");
    if (from == nullptr) return "";
    std::string name = String(Member(*from, "first_name")).value_or("");
    const std::string last = String(Member(*from, "last_name")).value_or("");
    if (!last.empty()) name += (name.empty() ? "" : " ") + last;
    return name;
}

// Sets the user and chat of `update` from a message or my_chat_member
// (`where`) in a private chat; otherwise returns why it is ignored.
std::optional<std::string> TakeParties(const Json& holder, std::string_view where,
                                       ParsedUpdate& update) {
    std::string reason;
    const auto chat_id = PrivateChatId(holder, where, reason);
    if (!chat_id) return reason;
    const auto user_id = SenderId(holder);
    if (!user_id) return "malformed: " + std::string(where) + ".from.id";
    update.inbound.chat_id = std::to_string(*chat_id);
    update.inbound.user_id = std::to_string(*user_id);
    update.inbound.display_name = DisplayName(holder);
    return std::nullopt;
}

ParsedUpdate Inbound(ParsedUpdate update, core::Inbound::Kind kind, std::string payload) {
    update.kind = ParsedUpdate::Kind::kInbound;
    update.inbound.kind = kind;
    update.inbound.payload = std::move(payload);
    return update;
}

ParsedUpdate FromMessage(const Json& message, ParsedUpdate update) {
    if (auto why = TakeParties(message, "message", update)) {
        return Ignored(std::move(update), std::move(*why));
    }
    if (const Json* text = Member(message, "text")) {
        if (!text->is_string()) return Malformed(std::move(update), "message.text");
        return Inbound(std::move(update), core::Inbound::Kind::kText, text->get<std::string>());
    }
    for (const std::string_view content : kUnsupportedContent) {
        if (Member(message, content) != nullptr) {
            return Inbound(std::move(update), core::Inbound::Kind::kUnsupported,
                           std::string(content));
        }
    }
    return Ignored(std::move(update), "service message");
}

ParsedUpdate FromCallbackQuery(const Json& query, ParsedUpdate update) {
    const auto id = String(Member(query, "id"));
    if (!id || id->empty()) return Malformed(std::move(update), "callback_query.id");
    update.callback_query_id = *id;
    const auto user_id = SenderId(query);
    if (!user_id) return Malformed(std::move(update), "callback_query.from.id");

    // Without "message" the button was on an inline-mode message in someone
    // else's chat; without "data" it was a game button.
    const Json* message = ObjectMember(query, "message");
    if (message == nullptr) return Ignored(std::move(update), "inline message callback");
    std::string reason;
    const auto chat_id = PrivateChatId(*message, "callback_query.message", reason);
    if (!chat_id) return Ignored(std::move(update), reason);
    const auto message_id = Int64(Member(*message, "message_id"));
    if (!message_id) return Malformed(std::move(update), "callback_query.message.message_id");
    const Json* data = Member(query, "data");
    if (data == nullptr) return Ignored(std::move(update), "callback without data");
    if (!data->is_string()) return Malformed(std::move(update), "callback_query.data");

    update.inbound.user_id = std::to_string(*user_id);
    update.inbound.chat_id = std::to_string(*chat_id);
    update.inbound.origin_message_id = std::to_string(*message_id);
    update.inbound.display_name = DisplayName(query);
    return Inbound(std::move(update), core::Inbound::Kind::kButton, data->get<std::string>());
}

ParsedUpdate FromMyChatMember(const Json& change, ParsedUpdate update) {
    if (auto why = TakeParties(change, "my_chat_member", update)) {
        return Ignored(std::move(update), std::move(*why));
    }
    const Json* member = ObjectMember(change, "new_chat_member");
    const auto status = member != nullptr ? String(Member(*member, "status")) : std::nullopt;
    if (!status) return Malformed(std::move(update), "my_chat_member.new_chat_member.status");
    if (*status == "kicked") {
        update.kind = ParsedUpdate::Kind::kBlocked;
        update.inbound.event = core::Inbound::Event::kBlocked;
    } else if (*status == "member") {
        update.kind = ParsedUpdate::Kind::kUnblocked;
        update.inbound.event = core::Inbound::Event::kUnblocked;
    } else {
        return Ignored(std::move(update), "my_chat_member with another status");
    }
    return update;
}

std::optional<std::int64_t> UpdateId(const Json& update) {
    const auto id = Int64(Member(update, "update_id"));
    if (!id || *id < 0) return std::nullopt;
    return id;
}

// `update` is an object with a valid update_id.
ParsedUpdate FromUpdateUnchecked(const Json& update, std::int64_t update_id, core::TimePoint at) {
    ParsedUpdate parsed;
    parsed.update_id = update_id;
    parsed.inbound.platform = std::string(kPlatform);
    parsed.inbound.external_id = std::to_string(update_id);
    parsed.inbound.at = at;

    // An update carries exactly one field besides update_id: its type.
    for (const auto& [key, value] : update.items()) {
        if (key == "update_id") continue;
        if (key == "message" || key == "callback_query" || key == "my_chat_member") {
            if (!value.is_object()) return Malformed(std::move(parsed), key);
            if (key == "message") return FromMessage(value, std::move(parsed));
            if (key == "callback_query") return FromCallbackQuery(value, std::move(parsed));
            return FromMyChatMember(value, std::move(parsed));
        }
        const bool known = std::find(kIgnoredUpdateTypes.begin(), kIgnoredUpdateTypes.end(), key) !=
                           kIgnoredUpdateTypes.end();
        return Ignored(std::move(parsed), known ? key : "unknown update type");
    }
    return Ignored(std::move(parsed), "empty update");
}

// Never throws for content: every access above is checked, and this catch is
// a second line of defence so one update can never hold up a batch.
ParsedUpdate FromUpdate(const Json& update, std::int64_t update_id, core::TimePoint at) {
    try {
        return FromUpdateUnchecked(update, update_id, at);
    } catch (const Json::exception&) {
        ParsedUpdate skipped;
        skipped.update_id = update_id;
        skipped.reason = "malformed";
        return skipped;
    }
}

}  // namespace

ParsedUpdate ParseUpdate(std::string_view body, core::TimePoint received_at) {
    const Json update = json::ParseBounded(body, kMaxUpdateBytes, "update");
    if (!update.is_object()) throw CodecError("update: not a JSON object");
    const auto update_id = UpdateId(update);
    if (!update_id) throw CodecError("update: missing or invalid update_id");
    return FromUpdate(update, *update_id, received_at);
}

std::vector<ParsedUpdate> ParseGetUpdates(std::string_view body, core::TimePoint received_at) {
    const Json answer = json::ParseBounded(body, kMaxResponseBytes, "getUpdates answer");
    const auto ok = json::Bool(Member(answer, "ok"));
    if (!ok || !*ok) {
        const auto code = Int64(Member(answer, "error_code"));
        const auto description = String(Member(answer, "description"));
        throw CodecError("getUpdates answer: not ok" +
                         (code ? " (" + std::to_string(*code) + ")" : std::string()) +
                         (description ? ": " + description->substr(0, 200) : std::string()));
    }
    const Json* result = Member(answer, "result");
    if (result == nullptr || !result->is_array()) {
        throw CodecError("getUpdates answer: result is not an array");
    }
    std::vector<ParsedUpdate> updates;
    updates.reserve(result->size());
    for (const Json& item : *result) {
        const auto update_id = UpdateId(item);
        if (!update_id) {
            ParsedUpdate skipped;
            skipped.update_id = Int64(Member(item, "update_id"));
            skipped.reason = "malformed";
            updates.push_back(std::move(skipped));
            continue;
        }
        updates.push_back(FromUpdate(item, *update_id, received_at));
    }
    return updates;
}

std::int64_t NextOffset(const std::vector<ParsedUpdate>& updates, std::int64_t current) {
    std::int64_t next = current;
    for (const ParsedUpdate& update : updates) {
        const auto id = update.update_id;
        if (id && *id >= next && *id < std::numeric_limits<std::int64_t>::max()) next = *id + 1;
    }
    return next;
}

std::optional<std::int64_t> ParseId(std::string_view decimal) {
    std::int64_t id = 0;
    const char* const end = decimal.data() + decimal.size();
    const auto [ptr, error] = std::from_chars(decimal.data(), end, id);
    if (decimal.empty() || error != std::errc() || ptr != end) return std::nullopt;
    return id;
}

}  // namespace bookbot::transports::telegram
