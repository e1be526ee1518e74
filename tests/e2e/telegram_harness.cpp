#include "telegram_harness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace bookbot::testing {
namespace {

using nlohmann::json;

json Chat(std::int64_t id) { return {{"id", id}, {"first_name", "Ana"}, {"type", "private"}}; }
json From(std::int64_t id) { return {{"id", id}, {"is_bot", false}, {"first_name", "Ana"}}; }

}  // namespace

Serve::Serve(const std::string& db_url, FakeBotApi& api, Mode mode,
             std::vector<std::string> extra_args)
    : api_(api) {
    std::vector<std::string> argv = {
        BOOKBOT_BINARY,   "serve",
        "--db",           db_url,
        "--listen",       "127.0.0.1:0",
        "--telegram-api", api.BaseUrl(),
        "--send-rate",    "0",
        "--chat-rate",    "0",
        "--poll-timeout", "1",
        "--telegram",     mode == Mode::kWebhook ? "webhook" : "polling"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    ChildProcess::Env env = {{"TELEGRAM_BOT_TOKEN", kBotToken}};
    if (mode == Mode::kWebhook) env.emplace_back("TELEGRAM_WEBHOOK_SECRET", kWebhookSecret);
    process_ = std::make_unique<ChildProcess>(argv, env);
    const auto line = process_->WaitForLine("serve.listening", std::chrono::seconds(20));
    if (!line) FAIL("bookbot serve did not start:\n" << process_->Output());
    port_ = ListeningPort(*line);
    transports::http::ClientOptions options;
    options.headers = {{"X-Telegram-Bot-Api-Secret-Token", kWebhookSecret}};
    client_ = std::make_unique<transports::http::Client>(
        "http://127.0.0.1:" + std::to_string(port_), options);
}

transports::http::ClientResponse Serve::Post(const std::string& body, const std::string& secret) {
    transports::http::ClientResponse response;
    if (secret == kWebhookSecret) {
        response = client_->Post("/telegram/webhook", "application/json", body);
    } else {
        transports::http::ClientOptions options;
        if (!secret.empty()) options.headers = {{"X-Telegram-Bot-Api-Secret-Token", secret}};
        transports::http::Client client("http://127.0.0.1:" + std::to_string(port_), options);
        response = client.Post("/telegram/webhook", "application/json", body);
    }
    api_.ApplyWebhookReply(response.status, response.Header("Content-Type").value_or(""),
                           response.body);
    return response;
}

transports::http::ClientResponse Serve::Get(const std::string& path) { return client_->Get(path); }

std::int64_t User::NextUpdateId() {
    static std::atomic<std::int64_t> next{700000000};
    return next++;
}

std::string User::Text(const std::string& text) {
    const std::int64_t update_id = NextUpdateId();
    return json{{"update_id", update_id},
                {"message",
                 {{"message_id", update_id % 100000},
                  {"from", From(id_)},
                  {"chat", Chat(id_)},
                  {"date", 1767261600},
                  {"text", text}}}}
        .dump();
}

namespace {

std::string PressUpdate(std::int64_t user, const FakeBotApi::Message& m, const std::string& data) {
    const std::int64_t update_id = User::NextUpdateId();
    return json{{"update_id", update_id},
                {"callback_query",
                 {{"id", "cb" + std::to_string(update_id)},
                  {"from", From(user)},
                  {"chat_instance", "1"},
                  {"data", data},
                  {"message",
                   {{"message_id", m.message_id},
                    {"chat", Chat(user)},
                    {"date", 1767261600},
                    {"text", m.text}}}}}}
        .dump();
}

}  // namespace

std::optional<std::string> User::TryPress(const std::string& label) const {
    const auto messages = Messages();
    for (auto m = messages.rbegin(); m != messages.rend(); ++m) {
        for (const auto& b : m->buttons) {
            if (b.label.find(label) != std::string::npos) return PressUpdate(id_, *m, b.data);
        }
    }
    return std::nullopt;
}

std::string User::PressOn(const FakeBotApi::Message& message, const std::string& data) const {
    return PressUpdate(id_, message, data);
}

std::optional<std::string> User::TryPressNth(std::size_t index) const {
    const auto messages = Messages();
    for (auto m = messages.rbegin(); m != messages.rend(); ++m) {
        if (m->buttons.empty()) continue;
        if (index >= m->buttons.size()) return std::nullopt;
        return PressUpdate(id_, *m, m->buttons[index].data);
    }
    return std::nullopt;
}

std::string User::Press(const std::string& label) {
    auto update = TryPress(label);
    if (!update) FAIL("no button '" << label << "' in the chat; last message: " << LastText());
    return *update;
}

std::string User::PressNth(std::size_t index) {
    auto update = TryPressNth(index);
    if (!update) FAIL("no keyboard with button " << index << "; last message: " << LastText());
    return *update;
}

bool User::WaitFor(const std::string& text) {
    return api_.WaitUntil([&] {
        for (const auto& m : api_.Chat(id_)) {
            if (m.text.find(text) != std::string::npos) return true;
        }
        return false;
    });
}

bool User::WaitForMessages(std::size_t count) {
    return api_.WaitUntil([&] { return api_.Chat(id_).size() >= count; });
}

std::string User::LastText() const {
    const auto messages = api_.Chat(id_);
    return messages.empty() ? std::string() : messages.back().text;
}

std::string BookFirstFreeTime(Serve& serve, User& user) {
    REQUIRE(serve.Post(user.Text("/start")).status == 200);
    REQUIRE(user.WaitFor("What would you like to do?"));
    REQUIRE(serve.Post(user.Press("Book an appointment")).status == 200);
    REQUIRE(user.WaitFor("Which service"));
    REQUIRE(serve.Post(user.Press("Haircut")).status == 200);
    REQUIRE(user.WaitFor("Which day"));
    REQUIRE(serve.Post(user.PressNth(0)).status == 200);
    REQUIRE(user.WaitFor("Which time"));
    REQUIRE(serve.Post(user.PressNth(0)).status == 200);
    REQUIRE(user.WaitFor("Book Haircut on"));
    REQUIRE(serve.Post(user.Press("Yes")).status == 200);
    REQUIRE(user.WaitFor("Booked: Haircut"));
    REQUIRE(user.WaitForMessages(2));  // and the menu again, below it
    return user.Messages().at(0).text;
}

}  // namespace bookbot::testing
