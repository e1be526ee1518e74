#pragma once

// Drives the real `bookbot serve` binary as Telegram would: updates by
// webhook (or queued for long polling) in, replies read back from a fake Bot
// API on real HTTP.

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bookbot/transports/http/client.hpp"
#include "child_process.hpp"
#include "fake_bot_api.hpp"

namespace bookbot::testing {

inline constexpr const char* kBotToken = "123456789:AAH-test-token_for-the-fake-api-00000";
inline constexpr const char* kWebhookSecret = "s3cret-Token_for-tests";

// One `bookbot serve` process with the fake API as its Telegram.
class Serve {
public:
    enum class Mode { kWebhook, kPolling };

    Serve(const std::string& db_url, FakeBotApi& api, Mode mode,
          std::vector<std::string> extra_args = {});

    // POSTs a webhook body; `secret` empty: no secret header at all. Like
    // Telegram, applies a Bot API call in the reply to the fake API.
    transports::http::ClientResponse Post(const std::string& body,
                                          const std::string& secret = kWebhookSecret);
    transports::http::ClientResponse Get(const std::string& path);

    ChildProcess& process() { return *process_; }
    int port() const { return port_; }

private:
    std::unique_ptr<ChildProcess> process_;
    FakeBotApi& api_;
    int port_ = 0;
    std::unique_ptr<transports::http::Client> client_;
};

// A Telegram user in a private chat with the bot.
class User {
public:
    User(FakeBotApi& api, std::int64_t id) : api_(api), id_(id) {}

    std::int64_t id() const { return id_; }
    // The update JSON for a text message / a press of the button labelled
    // `label` on the newest message that has it (fails the test if none).
    std::string Text(const std::string& text);
    std::string Press(const std::string& label);
    std::string PressNth(std::size_t index);  // the newest keyboard's index-th button
    // Press / PressNth without failing the test (safe on any thread): nullopt
    // if there is no such button.
    std::optional<std::string> TryPress(const std::string& label) const;
    std::optional<std::string> TryPressNth(std::size_t index) const;
    // A press of the button with callback data `data` on `message` (no
    // assertions: usable from any thread).
    std::string PressOn(const FakeBotApi::Message& message, const std::string& data) const;

    // Waits until a message in the chat (as edited so far) contains `text`.
    bool WaitFor(const std::string& text);
    // Waits until the chat has `count` messages.
    bool WaitForMessages(std::size_t count);
    std::string LastText() const;
    std::vector<FakeBotApi::Message> Messages() const { return api_.Chat(id_); }

    static std::int64_t NextUpdateId();

private:
    FakeBotApi& api_;
    std::int64_t id_;
};

// Books the first free time of the first service, by webhook; returns the
// final message's text ("Booked: …").
std::string BookFirstFreeTime(Serve& serve, User& user);

}  // namespace bookbot::testing
