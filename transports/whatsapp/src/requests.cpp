#include "bookbot/transports/whatsapp/requests.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <vector>

#include "shared.hpp"

namespace bookbot::transports::whatsapp {
namespace {

using json::Json;

bool Blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// The reply's buttons in keyboard order, checked against WhatsApp's id rules.
std::vector<core::Button> Choices(const core::Reply& reply) {
    std::vector<core::Button> choices;
    std::set<std::string> ids;
    for (const auto& row : reply.keyboard) {
        for (const core::Button& button : row) {
            const std::size_t size = button.payload.size();
            if (size == 0 || size > kMaxChoiceIdBytes) {
                throw std::length_error("whatsapp: a choice id must be 1-256 bytes, not " +
                                        std::to_string(size));
            }
            if (!utf8::Valid(button.payload)) {
                throw std::invalid_argument("whatsapp: a choice id is not valid UTF-8");
            }
            if (!ids.insert(button.payload).second) {
                throw std::invalid_argument("whatsapp: two choices share one id");
            }
            choices.push_back(button);
        }
    }
    if (choices.size() > kMaxChoices) {
        throw std::length_error("whatsapp: a reply with " + std::to_string(choices.size()) +
                                " choices exceeds the list limit of " +
                                std::to_string(kMaxChoices));
    }
    return choices;
}

Json Envelope(std::string_view to) {
    return {{"messaging_product", "whatsapp"},
            {"recipient_type", "individual"},
            {"to", std::string(to)}};
}

Json ButtonAction(const std::vector<core::Button>& choices) {
    Json buttons = Json::array();
    for (const core::Button& choice : choices) {
        buttons.push_back(
            {{"type", "reply"},
             {"reply",
              {{"id", choice.payload}, {"title", FitChars(choice.label, kMaxButtonTitle)}}}});
    }
    return {{"buttons", std::move(buttons)}};
}

Json ListAction(const std::vector<core::Button>& choices, const MessageOptions& options) {
    Json rows = Json::array();
    for (const core::Button& choice : choices) {
        Json row = {{"id", choice.payload}, {"title", FitChars(choice.label, kMaxRowTitle)}};
        if (CharCount(choice.label) > kMaxRowTitle) {
            row["description"] = FitChars(choice.label, kMaxRowDescription);
        }
        rows.push_back(std::move(row));
    }
    return {{"button", FitChars(options.list_button, kMaxListButton)},
            {"sections", Json::array({Json{{"rows", std::move(rows)}}})}};
}

}  // namespace

std::string FitChars(std::string_view text, std::size_t max_chars) {
    if (Blank(text)) return std::string(kEmptyTextPlaceholder);
    const std::size_t ellipsis_chars = CharCount(kEllipsis);
    std::string out;
    out.reserve(std::min(text.size(), 4 * max_chars));
    std::size_t chars = 0;
    std::size_t cut = 0;  // bytes of `out` that still leave room for the ellipsis
    for (std::size_t pos = 0; pos < text.size();) {
        const utf8::Decoded d = utf8::DecodeAt(text, pos);
        pos += d.length;
        if (++chars > max_chars) {
            out.resize(cut);
            out += kEllipsis;
            return out;
        }
        utf8::Append(out, d.code_point);
        if (chars + ellipsis_chars <= max_chars) cut = out.size();
    }
    return out;
}

std::size_t CharCount(std::string_view text) {
    std::size_t chars = 0;
    for (std::size_t pos = 0; pos < text.size(); ++chars) pos += utf8::DecodeAt(text, pos).length;
    return chars;
}

// An approved template (what WhatsApp accepts outside the 24-hour window):
// name, language, the body's parameters, and the reply's buttons as the
// payloads of the template's quick-reply buttons, in order (a press comes
// back as a "button" message with that payload).
Json TemplateMessage(const core::Reply& reply) {
    const core::MessageTemplate& t = reply.template_message;
    Json parameters = Json::array();
    for (const std::string& param : t.params) {
        parameters.push_back({{"type", "text"}, {"text", param}});
    }
    Json components = Json::array();
    components.push_back({{"type", "body"}, {"parameters", std::move(parameters)}});
    int index = 0;
    for (const auto& row : reply.keyboard) {
        for (const core::Button& button : row) {
            components.push_back({{"type", "button"},
                                  {"sub_type", "quick_reply"},
                                  {"index", std::to_string(index++)},
                                  {"parameters", Json::array({{{"type", "payload"},
                                                               {"payload", button.payload}}})}});
        }
    }
    return {{"name", t.name}, {"language", {{"code", t.language}}}, {"components", components}};
}

std::string MessageBody(std::string_view to, const core::Reply& reply,
                        const MessageOptions& options) {
    Json body = Envelope(to);
    if (!reply.template_message.name.empty()) {
        body["type"] = "template";
        body["template"] = TemplateMessage(reply);
        return json::Dump(body);
    }
    const std::vector<core::Button> choices = Choices(reply);
    if (choices.empty()) {
        body["type"] = "text";
        body["text"] = {{"preview_url", false}, {"body", FitChars(reply.text, kMaxText)}};
        return json::Dump(body);
    }
    const bool labels_fit = std::all_of(
        choices.begin(), choices.end(),
        [](const core::Button& choice) { return CharCount(choice.label) <= kMaxButtonTitle; });
    const bool as_buttons = choices.size() <= kMaxReplyButtons && labels_fit;
    body["type"] = "interactive";
    body["interactive"] = {
        {"type", as_buttons ? "button" : "list"},
        {"body", {{"text", FitChars(reply.text, kMaxInteractiveBody)}}},
        {"action", as_buttons ? ButtonAction(choices) : ListAction(choices, options)}};
    return json::Dump(body);
}

std::string MarkReadBody(std::string_view message_id) {
    return json::Dump(Json{{"messaging_product", "whatsapp"},
                           {"status", "read"},
                           {"message_id", std::string(message_id)}});
}

}  // namespace bookbot::transports::whatsapp
