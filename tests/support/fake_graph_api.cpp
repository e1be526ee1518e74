#include "fake_graph_api.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

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

http::Response GraphError(int status, int code, const std::string& message) {
    return Json(status,
                {{"error",
                  {{"message", message},
                   {"type", "OAuthException"},
                   {"code", code},
                   {"error_data", {{"messaging_product", "whatsapp"}, {"details", message}}},
                   {"fbtrace_id", "AbCdEf"}}}});
}

std::string FaultMessage(int code) {
    switch (code) {
        case 130429:
            return "(#130429) Rate limit hit";
        case 131056:
            return "(#131056) (Business Account, Consumer Account) pair rate limit hit";
        case 131047:
            return "(#131047) Re-engagement message";
        case 190:
            return "Error validating access token";
        default:
            return "(#" + std::to_string(code) + ") fault injected by the test";
    }
}

std::size_t Chars(const std::string& text) {
    std::size_t chars = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++chars;
    }
    return chars;
}

std::string Str(const json& value, const char* key) {
    const auto it = value.find(key);
    return it != value.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The message a send body describes, or why WhatsApp would refuse it.
std::optional<FakeGraphApi::Message> Read(const json& body, std::string& why) {
    FakeGraphApi::Message m;
    m.to = Str(body, "to");
    const std::string type = Str(body, "type");
    if (Str(body, "messaging_product") != "whatsapp" || m.to.empty()) {
        why = "messaging_product and to are required";
        return std::nullopt;
    }
    if (type == "text") {
        m.type = "text";
        m.text = Str(body.value("text", json::object()), "body");
        if (m.text.empty() || Chars(m.text) > 4096) why = "text.body must be 1-4096 characters";
        return m;
    }
    const json interactive = body.value("interactive", json::object());
    m.type = Str(interactive, "type");
    m.text = Str(interactive.value("body", json::object()), "text");
    if (m.text.empty() || Chars(m.text) > 1024) why = "body.text must be 1-1024 characters";
    const json action = interactive.value("action", json::object());
    if (m.type == "button") {
        for (const json& b : action.value("buttons", json::array())) {
            const json reply = b.value("reply", json::object());
            m.choices.push_back({Str(reply, "id"), Str(reply, "title"), ""});
            if (Chars(m.choices.back().title) > 20) why = "button title over 20 characters";
        }
        if (m.choices.empty() || m.choices.size() > 3) why = "1-3 buttons";
    } else if (m.type == "list") {
        if (Str(action, "button").empty() || Chars(Str(action, "button")) > 20) {
            why = "list button text must be 1-20 characters";
        }
        for (const json& section : action.value("sections", json::array())) {
            for (const json& row : section.value("rows", json::array())) {
                m.choices.push_back({Str(row, "id"), Str(row, "title"), Str(row, "description")});
                if (Chars(m.choices.back().title) > 24) why = "row title over 24 characters";
                if (Chars(m.choices.back().description) > 72) why = "row description over 72";
            }
        }
        if (m.choices.empty() || m.choices.size() > 10) why = "1-10 rows in all";
    } else {
        why = "unknown message type";
    }
    for (const auto& choice : m.choices) {
        if (choice.id.empty() || choice.id.size() > 256) why = "choice id must be 1-256 bytes";
    }
    return m;
}

}  // namespace

FakeGraphApi::FakeGraphApi(std::string access_token, std::string phone_number_id,
                           std::string version)
    : token_(std::move(access_token)),
      phone_number_id_(std::move(phone_number_id)),
      version_(std::move(version)) {
    http::ServerOptions options;
    options.port = 0;
    options.handler_threads = 4;
    server_ = std::make_unique<http::Server>(
        options, [this](const http::Request& request) { return Handle(request); });
    server_->Start();
}

FakeGraphApi::~FakeGraphApi() { server_->Shutdown(std::chrono::milliseconds(2000)); }

std::string FakeGraphApi::BaseUrl() const {
    return "http://127.0.0.1:" + std::to_string(server_->Port());
}

void FakeGraphApi::FailSends(int count, Fault fault) {
    const std::lock_guard lock(mutex_);
    for (int i = 0; i < count; ++i) faults_.push_back(fault);
}

void FakeGraphApi::SetTokenRejected(bool on) {
    const std::lock_guard lock(mutex_);
    token_rejected_ = on;
}

std::vector<FakeGraphApi::Message> FakeGraphApi::Chat(const std::string& to) const {
    const std::lock_guard lock(mutex_);
    const auto chat = chats_.find(to);
    return chat == chats_.end() ? std::vector<Message>{} : chat->second;
}

std::size_t FakeGraphApi::MessagesSent() const {
    const std::lock_guard lock(mutex_);
    return sent_;
}

std::size_t FakeGraphApi::FailuresServed() const {
    const std::lock_guard lock(mutex_);
    return failures_;
}

std::size_t FakeGraphApi::LimitViolations() const {
    const std::lock_guard lock(mutex_);
    return violations_;
}

std::size_t FakeGraphApi::MarkedRead() const {
    const std::lock_guard lock(mutex_);
    return marked_read_;
}

bool FakeGraphApi::WasMarkedRead(const std::string& wamid) const {
    const std::lock_guard lock(mutex_);
    return std::find(read_ids_.begin(), read_ids_.end(), wamid) != read_ids_.end();
}

void FakeGraphApi::BeforeAnswering(std::function<void(const Message&)> hook) {
    const std::lock_guard lock(mutex_);
    before_answering_ = std::move(hook);
}

bool FakeGraphApi::WaitUntil(const std::function<bool()>& ready,
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

http::Response FakeGraphApi::Handle(const http::Request& request) {
    const auto authorization = request.Header("Authorization");
    {
        const std::lock_guard lock(mutex_);
        if (token_rejected_ || !authorization || *authorization != "Bearer " + token_) {
            return GraphError(401, 190, FaultMessage(190));
        }
    }
    const std::string number_path = "/" + version_ + "/" + phone_number_id_;
    const std::string path(request.Path());
    if (request.method == "GET" && path == number_path) {
        return Json(200, {{"id", phone_number_id_},
                          {"display_phone_number", "+1 555-078-3881"},
                          {"verified_name", "Fake Barber"}});
    }
    if (request.method != "POST" || path != number_path + "/messages") {
        return GraphError(400, 100, "Unsupported request");
    }
    std::optional<Message> accepted;
    http::Response response = Send(request.body, accepted);
    changed_.notify_all();
    std::function<void(const Message&)> hook;
    {
        const std::lock_guard lock(mutex_);
        hook = before_answering_;
    }
    if (hook && accepted) hook(*accepted);
    return response;
}

http::Response FakeGraphApi::Send(const std::string& body, std::optional<Message>& accepted) {
    const json request = json::parse(body, nullptr, false);
    if (!request.is_object()) return GraphError(400, 100, "Invalid JSON");
    const std::lock_guard lock(mutex_);
    if (Str(request, "status") == "read") {
        ++marked_read_;
        read_ids_.push_back(Str(request, "message_id"));
        return Json(200, {{"success", true}});
    }
    if (!faults_.empty()) {
        const Fault fault = faults_.front();
        faults_.pop_front();
        ++failures_;
        if (fault.code == 0) return Json(fault.http_status, {{"error", "injected"}});
        return GraphError(fault.http_status, fault.code, FaultMessage(fault.code));
    }
    std::string why;
    std::optional<Message> m = Read(request, why);
    if (!why.empty() || !m) {
        ++violations_;
        return GraphError(400, 100, "(#100) Invalid parameter: " + why);
    }
    m->wamid = "wamid.FAKE" + std::to_string(++sent_);
    chats_[m->to].push_back(*m);
    accepted = m;
    return Json(200, {{"messaging_product", "whatsapp"},
                      {"contacts", {{{"input", m->to}, {"wa_id", m->to}}}},
                      {"messages", {{{"id", m->wamid}}}}});
}

}  // namespace bookbot::testing
