#include "whatsapp_harness.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "bookbot/transports/whatsapp/webhook_auth.hpp"

namespace bookbot::testing {
namespace {

using nlohmann::json;

std::string NextWamid() {
    static std::atomic<int> next{1};
    return "wamid.E2E" + std::to_string(next++);
}

json Envelope(const std::string& wa_id, json message) {
    return {{"object", "whatsapp_business_account"},
            {"entry",
             {{{"id", "102290129340398"},
               {"changes",
                {{{"field", "messages"},
                  {"value",
                   {{"messaging_product", "whatsapp"},
                    {"metadata",
                     {{"display_phone_number", "15550783881"}, {"phone_number_id", kWaNumberId}}},
                    {"contacts", {{{"profile", {{"name", "Ana"}}}, {"wa_id", wa_id}}}},
                    {"messages", {std::move(message)}}}}}}}}}}};
}

json Message(const std::string& wa_id, const std::string& type) {
    return {{"from", wa_id}, {"id", NextWamid()}, {"timestamp", "1767261600"}, {"type", type}};
}

std::string PressOn(const std::string& wa_id, const FakeGraphApi::Message& m,
                    const FakeGraphApi::Choice& choice) {
    json message = Message(wa_id, "interactive");
    message["context"] = {{"from", "15550783881"}, {"id", m.wamid}};
    const std::string kind = m.type == "list" ? "list_reply" : "button_reply";
    message["interactive"] = {{"type", kind}, {kind, {{"id", choice.id}, {"title", choice.title}}}};
    return Envelope(wa_id, std::move(message)).dump();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> WhatsAppEnv() {
    return {{"WHATSAPP_ACCESS_TOKEN", kWaToken},
            {"WHATSAPP_APP_SECRET", kWaAppSecret},
            {"WHATSAPP_VERIFY_TOKEN", kWaVerifyToken},
            {"WHATSAPP_PHONE_NUMBER_ID", kWaNumberId}};
}

std::vector<std::string> WhatsAppArgs(const FakeGraphApi& graph) {
    return {"--whatsapp-graph-api", graph.BaseUrl(),
            "--whatsapp-send-rate", "0",
            "--whatsapp-chat-rate", "0"};
}

WhatsAppServe::WhatsAppServe(const std::string& db_url, const FakeGraphApi& graph,
                             std::vector<std::string> extra_args,
                             std::vector<std::pair<std::string, std::string>> extra_env) {
    std::vector<std::string> argv = {BOOKBOT_BINARY, "serve",    "--db",
                                     db_url,         "--listen", "127.0.0.1:0"};
    const auto wa = WhatsAppArgs(graph);
    argv.insert(argv.end(), wa.begin(), wa.end());
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    ChildProcess::Env env;
    for (const auto& [k, v] : WhatsAppEnv()) env.emplace_back(k, v);
    for (const auto& [k, v] : extra_env) env.emplace_back(k, v);
    process_ = std::make_unique<ChildProcess>(argv, env);
    const auto line = process_->WaitForLine("serve.listening", std::chrono::seconds(20));
    if (!line) FAIL("bookbot serve did not start:\n" << process_->Output());
    port_ = ListeningPort(*line);
    client_ =
        std::make_unique<transports::http::Client>("http://127.0.0.1:" + std::to_string(port_));
}

transports::http::ClientResponse WhatsAppServe::Post(const std::string& body) {
    return PostSigned(body, transports::whatsapp::Sign(kWaAppSecret, body));
}

transports::http::ClientResponse WhatsAppServe::PostSigned(const std::string& body,
                                                           const std::string& signature) {
    transports::http::ClientOptions options;
    if (!signature.empty()) options.headers = {{"X-Hub-Signature-256", signature}};
    transports::http::Client client("http://127.0.0.1:" + std::to_string(port_), options);
    return client.Post(kWaPath, "application/json", body);
}

transports::http::ClientResponse WhatsAppServe::Get(const std::string& target) {
    return client_->Get(target);
}

std::string Customer::Text(const std::string& text) {
    json message = Message(wa_id_, "text");
    message["text"] = {{"body", text}};
    return Envelope(wa_id_, std::move(message)).dump();
}

std::string Customer::Sticker() {
    json message = Message(wa_id_, "sticker");
    message["sticker"] = {{"id", "1"}, {"mime_type", "image/webp"}};
    return Envelope(wa_id_, std::move(message)).dump();
}

std::string Customer::Press(const std::string& label) {
    const auto messages = Messages();
    for (auto m = messages.rbegin(); m != messages.rend(); ++m) {
        for (const auto& choice : m->choices) {
            if (choice.title.find(label) != std::string::npos ||
                choice.description.find(label) != std::string::npos) {
                return PressOn(wa_id_, *m, choice);
            }
        }
    }
    FAIL("no choice '" << label << "' in the chat; last message: " << LastText());
    return {};
}

std::string Customer::PressNth(std::size_t index) {
    const auto messages = Messages();
    for (auto m = messages.rbegin(); m != messages.rend(); ++m) {
        if (m->choices.empty()) continue;
        REQUIRE(index < m->choices.size());
        return PressOn(wa_id_, *m, m->choices[index]);
    }
    FAIL("no choices in the chat; last message: " << LastText());
    return {};
}

bool Customer::WaitFor(const std::string& text) {
    return graph_.WaitUntil([&] {
        for (const auto& m : graph_.Chat(wa_id_)) {
            if (m.text.find(text) != std::string::npos) return true;
        }
        return false;
    });
}

bool Customer::WaitSettled() {
    return graph_.WaitUntil([&] {
        const auto messages = graph_.Chat(wa_id_);
        return messages.empty() || !messages.back().choices.empty();
    });
}

bool Customer::WaitForNew(const std::string& text, std::size_t after) {
    return graph_.WaitUntil([&] {
        const auto messages = graph_.Chat(wa_id_);
        for (std::size_t i = after; i < messages.size(); ++i) {
            if (messages[i].text.find(text) != std::string::npos) return true;
        }
        return false;
    });
}

bool Customer::WaitForMessages(std::size_t count) {
    return graph_.WaitUntil([&] { return graph_.Chat(wa_id_).size() >= count; });
}

std::string Customer::LastText() const {
    const auto messages = graph_.Chat(wa_id_);
    return messages.empty() ? std::string() : messages.back().text;
}

}  // namespace bookbot::testing
