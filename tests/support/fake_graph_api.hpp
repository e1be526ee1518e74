#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bookbot/transports/http/server.hpp"

namespace bookbot::testing {

// A fake WhatsApp Cloud API (Graph API) on a real loopback HTTP server:
// checks the Bearer token and WhatsApp's message limits as the real one does,
// records what the bot sends, and fails on request (429, 130429, 131056,
// 131047, 500, …). Thread-safe.
class FakeGraphApi {
public:
    struct Choice {
        std::string id;
        std::string title;
        std::string description;
    };
    // One accepted message, as the customer sees it.
    struct Message {
        std::string to;
        std::string wamid;  // what the fake answered
        std::string type;   // "text", "button" or "list"
        std::string text;   // the text, or the interactive body
        std::vector<Choice> choices;
    };
    struct Fault {
        int http_status = 400;
        int code = 0;  // Graph's error.code (0: none, a bare HTTP error)
    };

    FakeGraphApi(std::string access_token, std::string phone_number_id,
                 std::string version = "v21.0");
    ~FakeGraphApi();

    std::string BaseUrl() const;

    // The next `count` sends fail with `fault` and are not recorded.
    void FailSends(int count, Fault fault);
    // Every call answers 401, error 190, while `on` (a revoked token).
    void SetTokenRejected(bool on);

    // Accepted messages to `to`, in order of sending.
    std::vector<Message> Chat(const std::string& to) const;
    std::size_t MessagesSent() const;  // all chats
    std::size_t FailuresServed() const;
    // Sends refused because they broke a WhatsApp limit (a bug in the bot).
    std::size_t LimitViolations() const;
    std::size_t MarkedRead() const;
    // Whether a `status: read` call named the inbound message `wamid`.
    bool WasMarkedRead(const std::string& wamid) const;
    // Runs `hook` with each accepted message before the send is answered (on
    // the fake's handler thread, no lock held), as WhatsApp may post a status
    // webhook before the bot hears that its send went through. Null: none.
    // Set it back to null before what the hook uses goes away.
    void BeforeAnswering(std::function<void(const Message&)> hook);

    // Waits until `ready()` holds (checked after each call and at the start),
    // or `timeout` passes; returns whether it held.
    bool WaitUntil(const std::function<bool()>& ready,
                   std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;

private:
    transports::http::Response Handle(const transports::http::Request& request);
    transports::http::Response Send(const std::string& body, std::optional<Message>& accepted);

    std::string token_;
    std::string phone_number_id_;
    std::string version_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::map<std::string, std::vector<Message>> chats_;
    std::deque<Fault> faults_;
    std::size_t sent_ = 0;
    std::size_t failures_ = 0;
    std::size_t violations_ = 0;
    std::size_t marked_read_ = 0;
    std::vector<std::string> read_ids_;
    std::function<void(const Message&)> before_answering_;
    bool token_rejected_ = false;
    std::unique_ptr<transports::http::Server> server_;  // last: stops first
};

}  // namespace bookbot::testing
