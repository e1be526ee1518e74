#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bookbot/core/messages.hpp"
#include "bookbot/transports/http/client.hpp"
#include "bookbot/transports/whatsapp/graph_result.hpp"
#include "bookbot/transports/whatsapp/requests.hpp"

namespace bookbot::transports::whatsapp {

// A Graph API call that did not succeed. what() reads "whatsapp <call>: …"
// and never contains the access token.
class GraphApiError : public std::runtime_error {
public:
    enum class Kind {
        kApi,        // an HTTP answer that is not ok: see result()
        kTransport,  // no HTTP answer (connect, timeout, TLS…)
        kResponse,   // ok, but not what the call returns
    };
    GraphApiError(Kind kind, const std::string& message, GraphResult result = {})
        : std::runtime_error(message), kind_(kind), result_(std::move(result)) {}
    Kind kind() const noexcept { return kind_; }
    const GraphResult& result() const noexcept { return result_; }

private:
    Kind kind_;
    GraphResult result_;
};

struct GraphSettings {
    std::string access_token;  // sent as "Authorization: Bearer …"; never logged
    std::string phone_number_id;
    std::string version = "v21.0";
    MessageOptions message_options;
};

// The WhatsApp Cloud API, one call per method. Thread-safe when its transport
// is (http::Client is); the transport must outlive it.
class GraphApi {
public:
    // One request: `method` "GET" or "POST", `path` below the base URL, a JSON
    // body for POST. Returns the HTTP answer; throws http::HttpError when
    // there is none. Over http::Client in production, a fake in tests; the
    // transport adds the Authorization header (see ClientOptionsFor).
    using Transport = std::function<http::ClientResponse(
        std::string_view method, std::string_view path, std::string_view json_body)>;

    // Throws std::invalid_argument, without quoting them, for an empty token,
    // a phone number id that is not digits, or a version not shaped "vNN.N".
    GraphApi(Transport transport, GraphSettings settings);
    GraphApi(http::Client& client, GraphSettings settings);

    // Sends `reply` to the WhatsApp id `to` as a new message; returns its
    // wamid (nullopt when the answer did not say: it was sent all the same).
    std::optional<std::string> SendMessage(std::string_view to, const core::Reply& reply) const;
    void MarkRead(std::string_view message_id) const;
    // GET /{version}/{phone-number-id}: the cheapest call that proves the
    // token works for this number (bookbot doctor).
    PhoneNumber GetPhoneNumber() const;

    // `text` with the token replaced by "<token>".
    std::string Redact(std::string text) const;

private:
    GraphResult Call(std::string_view what, std::string_view method, const std::string& path,
                     const std::string& body) const;

    Transport transport_;
    GraphSettings settings_;
};

// Options for the http::Client under a GraphApi: the Bearer header, so the
// token never travels in a path or a log line.
http::ClientOptions ClientOptionsFor(std::string_view access_token,
                                     http::ClientOptions options = {});

}  // namespace bookbot::transports::whatsapp
