#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/messages.hpp"
#include "bookbot/transports/http/client.hpp"
#include "bookbot/transports/telegram/api_result.hpp"
#include "bookbot/transports/telegram/codec.hpp"
#include "bookbot/transports/telegram/requests.hpp"

namespace bookbot::transports::telegram {

// A Bot API call that did not succeed. what() reads
// "telegram <method>: <what went wrong>" and never contains the bot token:
// BotApi builds every message itself and scrubs the token from any text it
// passes on (http::HttpError messages name the host, never the path, which
// is where the token travels; Telegram's descriptions do not echo it).
class BotApiError : public std::runtime_error {
public:
    enum class Kind {
        kApi,        // an HTTP answer that is not ok: see result()
        kTransport,  // no HTTP answer (connect, timeout, TLS…): see transport_kind()
        kResponse,   // ok, but the result is not what the method returns
    };

    BotApiError(Kind kind, std::string method, const std::string& message, ApiResult result = {},
                std::optional<http::HttpError::Kind> transport_kind = {})
        : std::runtime_error(message),
          kind_(kind),
          method_(std::move(method)),
          result_(std::move(result)),
          transport_kind_(transport_kind) {}

    Kind kind() const noexcept { return kind_; }
    const std::string& method() const noexcept { return method_; }
    // kApi: HTTP status, error_code, description, retry_after…
    const ApiResult& result() const noexcept { return result_; }
    // kTransport through http::Client: what failed.
    std::optional<http::HttpError::Kind> transport_kind() const noexcept { return transport_kind_; }

private:
    Kind kind_;
    std::string method_;
    ApiResult result_;
    std::optional<http::HttpError::Kind> transport_kind_;
};

// The Telegram Bot API: POST /bot<token>/<method> with a JSON body, one call
// per method. Every failure is a BotApiError (or, for a reply the engine
// should never have made, the std::length_error / std::invalid_argument of
// requests.hpp). Holds no state besides its configuration, so it is as
// thread-safe as its transport (http::Client is). The client and clock must
// outlive it.
class BotApi {
public:
    // How one call reaches Telegram: POST `path` (which carries the token)
    // with a JSON body; returns the HTTP answer, throws http::HttpError when
    // there is none. http::Client::Post in production; a fake in tests.
    using PostJson =
        std::function<http::ClientResponse(std::string_view path, std::string_view json_body,
                                           std::optional<std::chrono::milliseconds> timeout)>;

    // getUpdates waits up to its long-poll timeout for an answer; the HTTP
    // request may take this much longer before it counts as timed out.
    static constexpr std::chrono::seconds kLongPollMargin{10};

    // Throws std::invalid_argument when `token` is not shaped like a bot token
    // ("<digits>:<A-Za-z0-9_->"), without quoting it.
    BotApi(http::Client& client, std::string token, const core::Clock& clock);
    BotApi(PostJson post, std::string token, const core::Clock& clock);

    BotUser GetMe() const;
    void SetWebhook(const WebhookSettings& settings) const;
    void DeleteWebhook(bool drop_pending_updates) const;
    WebhookInfo GetWebhookInfo() const;
    // The command menu Telegram shows in every chat with the bot (replaces
    // the previous one). Throws std::invalid_argument as SetMyCommandsBody.
    void SetMyCommands(const std::vector<core::CommandEntry>& commands) const;

    // Long polling. `timeout_seconds` is clamped to 0–50; each update's
    // `inbound.at` is the clock's time when the answer arrived. Confirm them
    // with the next call's offset = NextOffset(updates, offset).
    std::vector<ParsedUpdate> GetUpdates(
        std::int64_t offset, int timeout_seconds, int limit,
        const std::vector<std::string>& allowed_updates = DefaultAllowedUpdates()) const;

    // The sent message's id, or nullopt when Telegram's answer did not say
    // (it was sent: this never throws once Telegram has said ok).
    std::optional<std::int64_t> SendMessage(std::int64_t chat_id, const core::Reply& reply) const;
    void EditMessageText(std::int64_t chat_id, std::int64_t message_id,
                         const core::Reply& reply) const;
    void AnswerCallbackQuery(std::string_view callback_query_id,
                             std::optional<std::string_view> text = {}) const;

    // `text` with the token (and its secret half) replaced by "<token>".
    std::string Redact(std::string text) const;

private:
    // One call; returns the ok result or throws BotApiError.
    ApiResult Call(std::string_view method, const std::string& body,
                   std::optional<std::chrono::milliseconds> timeout = {}) const;

    PostJson post_;
    std::string token_;
    const core::Clock& clock_;
};

}  // namespace bookbot::transports::telegram
