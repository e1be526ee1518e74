#include <algorithm>
#include <array>
#include <charconv>

#include "bookbot/transports/whatsapp/codec.hpp"
#include "shared.hpp"

namespace bookbot::transports::whatsapp {
namespace {

using json::Json;
using json::Member;
using json::ObjectMember;
using json::String;

constexpr std::string_view kObject = "whatsapp_business_account";
constexpr std::size_t kMaxStatusNameBytes = 32;

// Message types a customer can send that the bot cannot read: answered with
// "I can only read text and buttons". Any other type is ignored ("system"
// notices such as a changed number, and types added after this list).
constexpr std::array<std::string_view, 11> kUnsupportedTypes = {
    "image",    "audio", "video",    "document",    "sticker",     "location",
    "contacts", "order", "reaction", "unsupported", "interactive",
};

// A wamid, a phone number id, a button id: 1–kMaxIdBytes of visible ASCII.
// Anything else is not an id WhatsApp made, and is not stored.
std::optional<std::string> Id(const Json* value) {
    auto text = String(value);
    if (!text || text->empty() || text->size() > kMaxIdBytes) return std::nullopt;
    const bool visible = std::all_of(text->begin(), text->end(), [](char c) {
        return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7F;
    });
    return visible ? text : std::nullopt;
}

// A WhatsApp id (wa_id): the phone number's digits.
std::optional<std::string> WaId(const Json* value) {
    auto text = String(value);
    if (!text || text->empty() || text->size() > 32) return std::nullopt;
    const bool digits =
        std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
    return digits ? text : std::nullopt;
}

// WhatsApp sends Unix timestamps as decimal strings; a number is accepted too.
std::optional<core::TimePoint> Timestamp(const Json* value) {
    std::int64_t seconds = 0;
    if (const auto text = String(value)) {
        const char* end = text->data() + text->size();
        const auto [ptr, error] = std::from_chars(text->data(), end, seconds);
        if (text->empty() || error != std::errc() || ptr != end) return std::nullopt;
    } else if (const auto number = json::Int64(value)) {
        seconds = *number;
    } else {
        return std::nullopt;
    }
    // Far enough on either side to be a mistake, and never an overflow below.
    if (seconds <= 0 || seconds > std::int64_t{1} << 40) return std::nullopt;
    return core::TimePoint{std::chrono::seconds{seconds}};
}

// Iterates the array member `key` of `holder` (nothing when it is absent or
// not an array), charging every element to `budget`.
template <typename Visit>
void ForEach(const Json& holder, std::string_view key, std::size_t& budget, Visit visit) {
    const Json* array = Member(holder, key);
    if (array == nullptr || !array->is_array()) return;
    if (array->size() > budget) {
        throw CodecError("webhook: more than " + std::to_string(kMaxEvents) + " items");
    }
    budget -= array->size();
    for (const Json& item : *array) visit(item);
}

class Reader {
public:
    Reader(core::TimePoint received_at, std::string_view phone_number_id)
        : received_at_(received_at), phone_number_id_(phone_number_id) {}

    WebhookEvents Read(const Json& root) {
        const auto object = String(Member(root, "object"));
        if (!object || *object != kObject) {
            out_.ignored.emplace_back("not a whatsapp_business_account object");
            return std::move(out_);
        }
        ForEach(root, "entry", budget_, [&](const Json& entry) {
            ForEach(entry, "changes", budget_, [&](const Json& change) { Change(change); });
        });
        return std::move(out_);
    }

private:
    void Change(const Json& change) {
        const auto field = String(Member(change, "field"));
        const Json* value = ObjectMember(change, "value");
        if (!field || *field != "messages" || value == nullptr) {
            out_.ignored.emplace_back("change other than messages");
            return;
        }
        if (!phone_number_id_.empty()) {
            const Json* metadata = ObjectMember(*value, "metadata");
            const auto number =
                metadata != nullptr ? Id(Member(*metadata, "phone_number_id")) : std::nullopt;
            if (!number || *number != phone_number_id_) {
                out_.ignored.emplace_back("other phone number");
                return;
            }
        }
        ForEach(*value, "messages", budget_, [&](const Json& m) { Message(m); });
        ForEach(*value, "statuses", budget_, [&](const Json& s) { Status(s); });
    }

    void Message(const Json& message) {
        const auto id = Id(Member(message, "id"));
        if (!id) return Ignore("malformed: messages[].id");
        const auto from = WaId(Member(message, "from"));
        if (!from) return Ignore("malformed: messages[].from");
        const auto type = String(Member(message, "type"));
        if (!type) return Ignore("malformed: messages[].type");

        core::Inbound in;
        in.platform = std::string(kPlatform);
        in.external_id = *id;
        in.user_id = *from;
        in.chat_id = *from;
        in.at = received_at_;
        if (const Json* context = ObjectMember(message, "context")) {
            in.origin_message_id = Id(Member(*context, "id")).value_or("");
        }
        if (*type == "text") {
            const Json* text = ObjectMember(message, "text");
            const auto body = text != nullptr ? String(Member(*text, "body")) : std::nullopt;
            if (!body) return Ignore("malformed: messages[].text.body");
            return Take(std::move(in), core::Inbound::Kind::kText, *body);
        }
        if (*type == "interactive") {
            if (auto reply = InteractiveReply(message)) {
                return Take(std::move(in), core::Inbound::Kind::kButton, std::move(*reply));
            }
        }
        if (*type == "button") {
            const Json* button = ObjectMember(message, "button");
            if (button == nullptr) return Ignore("malformed: messages[].button");
            if (auto payload = String(Member(*button, "payload")); payload && !payload->empty()) {
                return Take(std::move(in), core::Inbound::Kind::kButton, std::move(*payload));
            }
            if (auto text = String(Member(*button, "text"))) {
                return Take(std::move(in), core::Inbound::Kind::kText, std::move(*text));
            }
            return Ignore("malformed: messages[].button");
        }
        const auto unsupported =
            std::find(kUnsupportedTypes.begin(), kUnsupportedTypes.end(), *type);
        if (unsupported != kUnsupportedTypes.end()) {
            return Take(std::move(in), core::Inbound::Kind::kUnsupported,
                        std::string(*unsupported));
        }
        Ignore(*type == "system" ? "system message" : "unknown message type");
    }

    // The id of the button or list row pressed; nullopt for other
    // interactive types (flows, …), which are unsupported.
    static std::optional<std::string> InteractiveReply(const Json& message) {
        const Json* interactive = ObjectMember(message, "interactive");
        if (interactive == nullptr) return std::nullopt;
        const auto kind = String(Member(*interactive, "type"));
        if (!kind || (*kind != "button_reply" && *kind != "list_reply")) return std::nullopt;
        const Json* reply = ObjectMember(*interactive, *kind);
        return reply != nullptr ? Id(Member(*reply, "id")) : std::nullopt;
    }

    void Status(const Json& status) {
        StatusEvent event;
        const auto id = Id(Member(status, "id"));
        const auto name = String(Member(status, "status"));
        if (!id || !name || name->empty() || name->size() > kMaxStatusNameBytes) {
            return Ignore("malformed: statuses[]");
        }
        event.message_id = *id;
        event.recipient_id = WaId(Member(status, "recipient_id")).value_or("");
        event.status = *name;
        event.at = Timestamp(Member(status, "timestamp")).value_or(received_at_);
        if (*name == "sent") {
            event.state = StatusEvent::State::kSent;
        } else if (*name == "delivered") {
            event.state = StatusEvent::State::kDelivered;
        } else if (*name == "read") {
            event.state = StatusEvent::State::kRead;
        } else if (*name == "failed") {
            event.state = StatusEvent::State::kFailed;
            event.error = FirstError(status);
        }
        out_.statuses.push_back(std::move(event));
    }

    static std::string FirstError(const Json& status) {
        const Json* errors = Member(status, "errors");
        if (errors == nullptr || !errors->is_array() || errors->empty()) return "failed";
        const Json& error = errors->front();
        std::string text;
        if (const auto code = json::Int64(Member(error, "code"))) text = std::to_string(*code);
        for (const std::string_view key : {"title", "message"}) {
            if (const auto part = String(Member(error, key))) {
                text += (text.empty() ? "" : " ") + *part;
                break;
            }
        }
        if (const Json* data = ObjectMember(error, "error_data")) {
            if (const auto details = String(Member(*data, "details"))) text += ": " + *details;
        }
        return text.empty() ? "failed" : std::string(utf8::CutBytes(text, kMaxErrorBytes));
    }

    void Take(core::Inbound in, core::Inbound::Kind kind, std::string payload) {
        in.kind = kind;
        in.payload = std::move(payload);
        out_.messages.push_back(std::move(in));
    }

    void Ignore(std::string reason) { out_.ignored.push_back(std::move(reason)); }

    core::TimePoint received_at_;
    std::string_view phone_number_id_;
    std::size_t budget_ = kMaxEvents;
    WebhookEvents out_;
};

}  // namespace

WebhookEvents ParseWebhook(std::string_view body, core::TimePoint received_at,
                           std::string_view phone_number_id) {
    const Json root = ParseJson(body, kMaxWebhookBytes, "webhook");
    if (!root.is_object()) throw CodecError("webhook: not a JSON object");
    try {
        return Reader(received_at, phone_number_id).Read(root);
    } catch (const Json::exception& e) {
        // Every access above is checked; this is a second line of defence.
        throw CodecError("webhook: unreadable content (error " + std::to_string(e.id) + ")");
    }
}

std::string_view ToString(StatusEvent::State state) noexcept {
    switch (state) {
        case StatusEvent::State::kSent:
            return "sent";
        case StatusEvent::State::kDelivered:
            return "delivered";
        case StatusEvent::State::kRead:
            return "read";
        case StatusEvent::State::kFailed:
            return "failed";
        case StatusEvent::State::kOther:
            break;
    }
    return "other";
}

std::optional<core::DeliveryReport> ToDeliveryReport(const StatusEvent& status) {
    core::DeliveryReport report{status.message_id, core::DeliveryStatus::kSent, {}, status.at};
    switch (status.state) {
        case StatusEvent::State::kSent:
            break;
        case StatusEvent::State::kDelivered:
            report.status = core::DeliveryStatus::kDelivered;
            break;
        case StatusEvent::State::kRead:
            report.status = core::DeliveryStatus::kRead;
            break;
        case StatusEvent::State::kFailed:
            report.status = core::DeliveryStatus::kFailed;
            report.error = status.error;
            break;
        case StatusEvent::State::kOther:
            return std::nullopt;
    }
    return report;
}

}  // namespace bookbot::transports::whatsapp
