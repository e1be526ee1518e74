#include "fake_bot_api.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace bookbot::testing {
namespace {

using nlohmann::json;
namespace http = transports::http;

http::Response Json(int status, const json& body) {
    http::Response response;
    response.status = status;
    response.content_type = "application/json";
    response.body = body.dump();
    return response;
}

http::Response Ok(const json& result) { return Json(200, {{"ok", true}, {"result", result}}); }

http::Response Error(int status, const std::string& description, int retry_after = 0) {
    json body = {{"ok", false}, {"error_code", status}, {"description", description}};
    if (retry_after > 0) body["parameters"] = {{"retry_after", retry_after}};
    return Json(status, body);
}

std::vector<FakeBotApi::Button> Buttons(const json& request) {
    std::vector<FakeBotApi::Button> buttons;
    if (!request.contains("reply_markup")) return buttons;
    for (const auto& row : request["reply_markup"]["inline_keyboard"]) {
        for (const auto& b : row) {
            buttons.push_back(
                {b["text"].get<std::string>(), b["callback_data"].get<std::string>()});
        }
    }
    return buttons;
}

}  // namespace

FakeBotApi::FakeBotApi(std::string token, int handler_threads) : token_(std::move(token)) {
    http::ServerOptions options;
    options.port = 0;
    options.handler_threads = handler_threads;
    options.max_concurrent_requests = 1024;
    server_ = std::make_unique<http::Server>(
        options, [this](const http::Request& request) { return Handle(request); });
    server_->Start();
}

FakeBotApi::~FakeBotApi() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    server_->Shutdown(std::chrono::milliseconds(2000));
}

std::string FakeBotApi::BaseUrl() const {
    return "http://127.0.0.1:" + std::to_string(server_->Port());
}

void FakeBotApi::FailSends(int count, Fault fault) {
    const std::lock_guard lock(mutex_);
    for (int i = 0; i < count; ++i) faults_.push_back(fault);
}

void FakeBotApi::SetObserver(Observer observer) {
    const std::lock_guard lock(mutex_);
    observer_ = std::move(observer);
}

void FakeBotApi::SetPollingConflict(bool on) {
    {
        const std::lock_guard lock(mutex_);
        polling_conflict_ = on;
    }
    changed_.notify_all();
}

void FakeBotApi::SetTokenRejected(bool on) {
    const std::lock_guard lock(mutex_);
    token_rejected_ = on;
}

void FakeBotApi::SetWebhookState(WebhookState state) {
    const std::lock_guard lock(mutex_);
    webhook_ = std::move(state);
}

void FakeBotApi::QueueUpdate(std::string update_json, std::int64_t update_id) {
    {
        const std::lock_guard lock(mutex_);
        updates_.emplace_back(update_id, std::move(update_json));
    }
    changed_.notify_all();
}

std::vector<FakeBotApi::Message> FakeBotApi::Chat(std::int64_t chat_id) const {
    const std::lock_guard lock(mutex_);
    const auto chat = chats_.find(chat_id);
    return chat == chats_.end() ? std::vector<Message>{} : chat->second;
}

std::size_t FakeBotApi::MessagesSent() const {
    const std::lock_guard lock(mutex_);
    return sent_;
}

std::size_t FakeBotApi::Calls(const std::string& method) const {
    const std::lock_guard lock(mutex_);
    const auto found = calls_.find(method);
    return found == calls_.end() ? 0 : found->second;
}

std::size_t FakeBotApi::WebhookReplies(const std::string& method) const {
    const std::lock_guard lock(mutex_);
    const auto found = webhook_replies_.find(method);
    return found == webhook_replies_.end() ? 0 : found->second;
}

std::size_t FakeBotApi::CallbacksAnswered() const {
    const std::lock_guard lock(mutex_);
    return callbacks_;
}

std::size_t FakeBotApi::TimesAnswered(const std::string& callback_query_id) const {
    const std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(
        std::count(answered_.begin(), answered_.end(), callback_query_id));
}

std::size_t FakeBotApi::FailuresServed() const {
    const std::lock_guard lock(mutex_);
    return failures_;
}

std::int64_t FakeBotApi::ConfirmedOffset() const {
    const std::lock_guard lock(mutex_);
    return confirmed_offset_;
}

bool FakeBotApi::WaitUntil(const std::function<bool()>& ready,
                           std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mutex_);
    while (true) {
        lock.unlock();
        const bool done = ready();
        lock.lock();
        if (done) return true;
        if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
            lock.unlock();
            return ready();
        }
    }
}

std::string FakeBotApi::LastCommandsBody() const {
    const std::lock_guard lock(mutex_);
    return commands_body_;
}

http::Response FakeBotApi::Handle(const http::Request& request) {
    const std::string prefix = "/bot" + token_ + "/";
    const std::string path(request.Path());
    if (request.method != "POST" || path.rfind(prefix, 0) != 0) {
        return Error(404, "Not Found");
    }
    std::optional<Message> applied;
    http::Response response = Apply(path.substr(prefix.size()), request.body, applied);
    Applied(applied);
    return response;
}

void FakeBotApi::ApplyWebhookReply(int status, std::string_view content_type,
                                   const std::string& body) {
    if (status < 200 || status > 299 || content_type.rfind("application/json", 0) != 0) return;
    const json reply = json::parse(body, nullptr, false);
    if (!reply.is_object() || !reply.contains("method") || !reply["method"].is_string()) return;
    std::optional<Message> applied;
    static_cast<void>(Apply(reply["method"].get<std::string>(), body, applied, true));
    Applied(applied);
}

void FakeBotApi::Applied(const std::optional<Message>& applied) {
    changed_.notify_all();
    if (applied) {
        Observer observer;
        {
            const std::lock_guard lock(mutex_);
            observer = observer_;
        }
        if (observer) observer(*applied);
    }
}

http::Response FakeBotApi::Apply(const std::string& method, const std::string& body,
                                 std::optional<Message>& applied, bool webhook_reply) {
    const json request = json::parse(body, nullptr, false);
    if (request.is_discarded()) return Error(400, "Bad Request: invalid JSON");
    std::unique_lock lock(mutex_);
    ++(webhook_reply ? webhook_replies_ : calls_)[method];
    if (token_rejected_) return Error(401, "Unauthorized");
    if (method == "getMe") {
        return Ok({{"id", 1}, {"is_bot", true}, {"first_name", "Fake"}, {"username", "fake_bot"}});
    }
    if (method == "setWebhook" || method == "deleteWebhook") return Ok(true);
    if (method == "setMyCommands") {
        commands_body_ = body;
        return Ok(true);
    }
    if (method == "getWebhookInfo") {
        json info = {{"url", webhook_.url},
                     {"pending_update_count", webhook_.pending_update_count}};
        if (!webhook_.last_error_message.empty()) {
            info["last_error_date"] = 1700000000;
            info["last_error_message"] = webhook_.last_error_message;
        }
        return Ok(info);
    }
    if (method == "answerCallbackQuery") {
        ++callbacks_;
        answered_.push_back(request.value("callback_query_id", std::string()));
        return Ok(true);
    }
    if (method == "getUpdates") {
        if (polling_conflict_) {
            return Error(409, "Conflict: can't use getUpdates method while webhook is active");
        }
        const std::int64_t offset = request.value("offset", std::int64_t{0});
        confirmed_offset_ = std::max(confirmed_offset_, offset);
        while (!updates_.empty() && updates_.front().first < offset) updates_.pop_front();
        const auto wait = std::chrono::seconds(request.value("timeout", 0));
        changed_.wait_for(lock, wait, [&] { return stopping_ || !updates_.empty(); });
        json result = json::array();
        for (const auto& [id, update] : updates_) result.push_back(json::parse(update));
        return Ok(result);
    }
    if (method != "sendMessage" && method != "editMessageText") {
        return Error(404, "Not Found: method not found");
    }
    if (!faults_.empty()) {
        const Fault fault = faults_.front();
        faults_.pop_front();
        ++failures_;
        if (fault.status == 0) {
            // Lost on the way: the bot times out and never learns the outcome.
            changed_.wait_for(lock, fault.hang, [&] { return stopping_; });
            return Error(504, "Gateway Timeout");
        }
        return Error(
            fault.status,
            fault.status == 429 ? "Too Many Requests: retry later" : "Internal Server Error",
            fault.retry_after);
    }
    const std::int64_t chat_id = request["chat_id"].get<std::int64_t>();
    std::vector<Message>& chat = chats_[chat_id];
    if (method == "editMessageText") {
        const std::int64_t id = request["message_id"].get<std::int64_t>();
        for (Message& m : chat) {
            if (m.message_id != id) continue;
            const std::string text = request["text"].get<std::string>();
            const auto buttons = Buttons(request);
            const auto same = [](const Button& a, const Button& b) {
                return a.label == b.label && a.data == b.data;
            };
            if (m.text == text && std::equal(m.buttons.begin(), m.buttons.end(), buttons.begin(),
                                             buttons.end(), same)) {
                return Error(400, "Bad Request: message is not modified");
            }
            m.text = text;
            m.buttons = buttons;
            ++m.edits;
            m.changed_at = std::chrono::steady_clock::now();
            applied = m;
            return Ok({{"message_id", id}, {"chat", {{"id", chat_id}}}, {"text", text}});
        }
        return Error(400, "Bad Request: message to edit not found");
    }
    Message m;
    m.chat_id = chat_id;
    m.message_id = next_message_id_++;
    m.text = request["text"].get<std::string>();
    m.buttons = Buttons(request);
    m.changed_at = std::chrono::steady_clock::now();
    chat.push_back(m);
    applied = m;
    ++sent_;
    return Ok({{"message_id", m.message_id},
               {"chat", {{"id", chat_id}, {"type", "private"}}},
               {"date", 0},
               {"text", m.text}});
}

}  // namespace bookbot::testing
