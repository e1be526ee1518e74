#pragma once

// Drives the real `bookbot serve` binary as WhatsApp would: signed webhook
// POSTs in, replies read back from a fake Graph API on real HTTP.

#include <memory>
#include <string>
#include <vector>

#include "bookbot/transports/http/client.hpp"
#include "child_process.hpp"
#include "fake_graph_api.hpp"

namespace bookbot::testing {

inline constexpr const char* kWaToken = "EAAGtest-access-token-for-the-fake-graph-api";
inline constexpr const char* kWaAppSecret = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
inline constexpr const char* kWaVerifyToken = "verify-me-please";
inline constexpr const char* kWaNumberId = "106540352242922";
inline constexpr const char* kWaPath = "/whatsapp/webhook";

// The environment that turns WhatsApp on.
std::vector<std::pair<std::string, std::string>> WhatsAppEnv();
// serve's arguments for the fake Graph API, unpaced.
std::vector<std::string> WhatsAppArgs(const FakeGraphApi& graph);

// One `bookbot serve` process with the fake Graph API as its WhatsApp.
class WhatsAppServe {
public:
    WhatsAppServe(const std::string& db_url, const FakeGraphApi& graph,
                  std::vector<std::string> extra_args = {},
                  std::vector<std::pair<std::string, std::string>> extra_env = {});

    // POSTs a webhook body signed with the app secret, or with `signature`
    // as the X-Hub-Signature-256 header (empty: none at all).
    transports::http::ClientResponse Post(const std::string& body);
    transports::http::ClientResponse PostSigned(const std::string& body,
                                                const std::string& signature);
    transports::http::ClientResponse Get(const std::string& target);

    ChildProcess& process() { return *process_; }
    int port() const { return port_; }

private:
    std::unique_ptr<ChildProcess> process_;
    int port_ = 0;
    std::unique_ptr<transports::http::Client> client_;
};

// A WhatsApp customer writing to the business number.
class Customer {
public:
    Customer(FakeGraphApi& graph, std::string wa_id) : graph_(graph), wa_id_(std::move(wa_id)) {}

    const std::string& wa_id() const { return wa_id_; }
    // Webhook bodies: a text message, a press of the choice whose title or
    // description contains `label` on the newest message that has it (a
    // button_reply or list_reply as the message was), the index-th choice of
    // the newest message with choices, a sticker.
    std::string Text(const std::string& text);
    std::string Press(const std::string& label);
    std::string PressNth(std::size_t index);
    std::string Sticker();

    bool WaitFor(const std::string& text);  // any message so far
    // Waits until the last answer arrived whole: every answer ends with the
    // current step, which has choices, and a chat's messages arrive in order.
    bool WaitSettled();
    // Waits until a message after the first `after` ones contains `text`.
    bool WaitForNew(const std::string& text, std::size_t after);
    bool WaitForMessages(std::size_t count);
    std::string LastText() const;
    std::vector<FakeGraphApi::Message> Messages() const { return graph_.Chat(wa_id_); }

private:
    std::string Body(const std::string& message_json_fields);

    FakeGraphApi& graph_;
    std::string wa_id_;
};

}  // namespace bookbot::testing
