#include "bookbot/transports/whatsapp/graph_api.hpp"

#include <algorithm>

#include "shared.hpp"

namespace bookbot::transports::whatsapp {
namespace {

bool Digits(std::string_view text) {
    return !text.empty() && text.size() <= 32 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "v21.0": what goes between the base URL and the phone number id.
bool VersionShaped(std::string_view version) {
    if (version.size() < 2 || version.size() > 8 || version[0] != 'v') return false;
    return std::all_of(version.begin() + 1, version.end(),
                       [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

void ReplaceAll(std::string& text, std::string_view what, std::string_view with) {
    if (what.empty()) return;
    for (std::size_t pos = text.find(what); pos != std::string::npos;
         pos = text.find(what, pos + with.size())) {
        text.replace(pos, what.size(), with);
    }
}

}  // namespace

GraphApi::GraphApi(Transport transport, GraphSettings settings)
    : transport_(std::move(transport)), settings_(std::move(settings)) {
    if (settings_.access_token.empty()) {
        throw std::invalid_argument("whatsapp: the access token is empty");
    }
    if (!Digits(settings_.phone_number_id)) {
        throw std::invalid_argument("whatsapp: the phone number id must be digits");
    }
    if (!VersionShaped(settings_.version)) {
        throw std::invalid_argument("whatsapp: the Graph API version must look like v21.0");
    }
}

std::string GraphApi::Redact(std::string text) const {
    ReplaceAll(text, settings_.access_token, "<token>");
    return text;
}

GraphResult GraphApi::Call(std::string_view what, std::string_view method, const std::string& path,
                           const std::string& body) const {
    const std::string prefix = "whatsapp " + std::string(what) + ": ";
    http::ClientResponse response;
    try {
        response = transport_(method, path, body);
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        throw GraphApiError(GraphApiError::Kind::kTransport, Redact(prefix + e.what()));
    }
    GraphResult result = ParseGraphResult(response.status, response.body);
    if (!result.ok) {
        result.message = Redact(std::move(result.message));
        std::string message = prefix + "HTTP " + std::to_string(result.http_status) + ", error " +
                              std::to_string(result.code) + " " + result.message;
        throw GraphApiError(GraphApiError::Kind::kApi, message, std::move(result));
    }
    return result;
}

std::optional<std::string> GraphApi::SendMessage(std::string_view to,
                                                 const core::Reply& reply) const {
    const std::string path =
        "/" + settings_.version + "/" + settings_.phone_number_id + "/messages";
    const GraphResult result =
        Call("send", "POST", path, MessageBody(to, reply, settings_.message_options));
    return ParseSentMessageId(result.body);
}

void GraphApi::MarkRead(std::string_view message_id) const {
    const std::string path =
        "/" + settings_.version + "/" + settings_.phone_number_id + "/messages";
    Call("mark read", "POST", path, MarkReadBody(message_id));
}

PhoneNumber GraphApi::GetPhoneNumber() const {
    const std::string path = "/" + settings_.version + "/" + settings_.phone_number_id +
                             "?fields=id,display_phone_number,verified_name";
    const GraphResult result = Call("phone number", "GET", path, "");
    try {
        return ParsePhoneNumber(result.body);
    } catch (const CodecError& e) {
        throw GraphApiError(GraphApiError::Kind::kResponse,
                            Redact(std::string("whatsapp phone number: ") + e.what()));
    }
}

http::ClientOptions ClientOptionsFor(std::string_view access_token, http::ClientOptions options) {
    options.headers.emplace_back("Authorization", "Bearer " + std::string(access_token));
    return options;
}

}  // namespace bookbot::transports::whatsapp
