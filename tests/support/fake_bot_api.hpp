#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bookbot/transports/http/server.hpp"

namespace bookbot::testing {

// A fake Telegram Bot API on a real loopback HTTP server: records what the bot
// sends, serves getUpdates from a queue, and fails on request (429 with
// retry_after, 500, a hang longer than the bot's timeout). Thread-safe.
class FakeBotApi {
public:
    struct Button {
        std::string label;
        std::string data;
    };
    // A chat message as the user sees it now (edits applied).
    struct Message {
        std::int64_t chat_id = 0;
        std::int64_t message_id = 0;
        std::string text;
        std::vector<Button> buttons;  // all rows, flattened
        int edits = 0;
        // When the fake applied the latest sendMessage/editMessageText to it.
        std::chrono::steady_clock::time_point changed_at{};
    };
    // Called with the message as it now is, after each applied
    // sendMessage/editMessageText, on the server's handler thread and outside
    // the fake's lock (so it may call the accessors below).
    using Observer = std::function<void(const Message&)>;
    struct Fault {
        int status = 500;     // 0: hang `hang` and answer nothing useful
        int retry_after = 0;  // with 429
        std::chrono::milliseconds hang{0};
    };

    // What getWebhookInfo answers.
    struct WebhookState {
        std::string url;  // empty: no webhook
        std::int64_t pending_update_count = 0;
        std::string last_error_message;
    };

    explicit FakeBotApi(std::string token, int handler_threads = 4);
    ~FakeBotApi();

    std::string BaseUrl() const;

    // The next `count` sendMessage/editMessageText calls fail with `fault` and
    // are not applied.
    void FailSends(int count, Fault fault);
    // Replaces the observer (none by default); set it before the bot sends.
    void SetObserver(Observer observer);
    // getUpdates answers 409 (as when a webhook is set) while `on`.
    void SetPollingConflict(bool on);
    // Every call answers 401 Unauthorized (as for a revoked token) while `on`.
    void SetTokenRejected(bool on);
    // getWebhookInfo answers `state` from now on (default: no webhook).
    void SetWebhookState(WebhookState state);
    // Queues one update (a JSON object) for getUpdates; ids must increase.
    void QueueUpdate(std::string update_json, std::int64_t update_id);
    // What Telegram does with the bot's answer to a webhook request: a 2xx
    // application/json object naming a "method" is that Bot API call, made
    // on the bot's behalf (its outcome is never reported back). Anything
    // else is ignored.
    void ApplyWebhookReply(int status, std::string_view content_type, const std::string& body);

    // Messages in the chat in order of sending; edits replace text/buttons in place.
    std::vector<Message> Chat(std::int64_t chat_id) const;
    std::size_t MessagesSent() const;  // sendMessage calls applied, all chats
    // Calls of `method` received as requests, applied or not (a resent edit
    // counts too); calls made in webhook replies are not counted here.
    std::size_t Calls(const std::string& method) const;
    // Calls of `method` made in webhook replies (ApplyWebhookReply).
    std::size_t WebhookReplies(const std::string& method) const;
    std::size_t CallbacksAnswered() const;
    // answerCallbackQuery calls for this callback_query id.
    std::size_t TimesAnswered(const std::string& callback_query_id) const;
    std::size_t FailuresServed() const;
    // The body of the last setMyCommands call ("" before any).
    std::string LastCommandsBody() const;
    // The highest getUpdates offset the bot has confirmed.
    std::int64_t ConfirmedOffset() const;

    // Waits until `ready()` holds (checked after each API call and at the
    // start), or `timeout` passes; returns whether it held.
    bool WaitUntil(const std::function<bool()>& ready,
                   std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;

private:
    transports::http::Response Handle(const transports::http::Request& request);
    // `applied` receives the message a sendMessage/editMessageText changed;
    // `webhook_reply`: the call came in a webhook reply, not as a request.
    transports::http::Response Apply(const std::string& method, const std::string& body,
                                     std::optional<Message>& applied, bool webhook_reply = false);
    // After a call: wakes WaitUntil and tells the observer about `applied`.
    void Applied(const std::optional<Message>& applied);

    std::string token_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::map<std::int64_t, std::vector<Message>> chats_;
    std::int64_t next_message_id_ = 1;
    std::size_t sent_ = 0;
    std::map<std::string, std::size_t> calls_;
    std::map<std::string, std::size_t> webhook_replies_;
    std::size_t callbacks_ = 0;
    std::vector<std::string> answered_;  // callback_query ids, in order
    std::size_t failures_ = 0;
    std::deque<Fault> faults_;
    bool polling_conflict_ = false;
    bool token_rejected_ = false;
    std::string commands_body_;
    WebhookState webhook_;
    std::deque<std::pair<std::int64_t, std::string>> updates_;
    std::int64_t confirmed_offset_ = 0;
    bool stopping_ = false;
    Observer observer_;
    std::unique_ptr<transports::http::Server> server_;  // last: stops first
};

}  // namespace bookbot::testing
