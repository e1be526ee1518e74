#include "crash_driver.hpp"

#include <chrono>
#include <vector>

#include "bookbot/transports/http/client.hpp"

namespace bookbot::testing {

using namespace std::chrono_literals;

void ServerAddress::Set(int port) {
    {
        const std::lock_guard lock(mutex_);
        port_ = port;
    }
    changed_.notify_all();
}

int ServerAddress::Await(int not_this, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    const bool up =
        changed_.wait_for(lock, timeout, [&] { return port_ != 0 && port_ != not_this; });
    return up ? port_ : 0;
}

void ServerAddress::PostStarted() {
    {
        const std::lock_guard lock(mutex_);
        ++in_flight_;
    }
    changed_.notify_all();
}

void ServerAddress::PostEnded() {
    const std::lock_guard lock(mutex_);
    --in_flight_;
}

bool ServerAddress::AwaitInFlight(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return in_flight_ > 0; });
}

namespace {

// The action of a stamped payload ("3|svc:cut" → "svc:cut").
std::string Action(const std::string& data) { return data.substr(data.find('|') + 1); }

}  // namespace

std::string CrashCustomer::Fingerprint() const {
    const auto messages = api_.Chat(user_.id());
    if (messages.empty()) return "empty";
    return std::to_string(messages.size()) + "/" + std::to_string(messages.back().message_id) +
           "/" + std::to_string(messages.back().edits);
}

bool CrashCustomer::AwaitChange(const std::string& before) {
    // Long enough for a reply claimed by a killed server to come back after
    // its lease (2 × --telegram-timeout + 5 s) and a restart.
    return api_.WaitUntil([&] { return Fingerprint() != before; }, 40s);
}

std::string CrashCustomer::NextUpdate() {
    const auto messages = api_.Chat(user_.id());
    if (messages.empty()) return user_.Text("/start");
    const FakeBotApi::Message& newest = messages.back();
    // Forward through the booking flow; a random day and time, so customers
    // compete for the same times now and then.
    for (const std::string prefix : {"book", "svc:", "day:", "slot:", "ok"}) {
        std::vector<const FakeBotApi::Button*> matching;
        for (const auto& b : newest.buttons) {
            if (Action(b.data).rfind(prefix, 0) == 0) matching.push_back(&b);
        }
        if (!matching.empty()) {
            const auto* pick = matching[rng_() % matching.size()];
            return user_.PressOn(newest, pick->data);
        }
    }
    // "Booked: …" is followed by the menu in a message of its own: wait for it.
    if (newest.text.rfind("Booked: ", 0) == 0) return "";
    return user_.Text("/start");  // anywhere else: start over
}

bool CrashCustomer::Deliver(const std::string& body, const std::atomic<bool>& stop) {
    transports::http::ClientOptions options;
    options.headers = {{"X-Telegram-Bot-Api-Secret-Token", kWebhookSecret}};
    for (;;) {
        const int port = server_.Await(0, 30s);
        if (port == 0) {
            if (stop) return false;
            continue;
        }
        int status = 0;
        server_.PostStarted();
        try {
            transports::http::Client client("http://127.0.0.1:" + std::to_string(port), options);
            status = client.Post("/telegram/webhook", "application/json", body, 5s).status;
        } catch (const std::exception&) {
            // Killed mid-request, or not listening yet: as a timeout to Telegram.
        }
        server_.PostEnded();
        if (status == 200) {
            ++updates_;
            return true;
        }
        ++redeliveries_;
        // Telegram waits a little before delivering again; a restart ends the wait.
        server_.Await(port, 100ms);
    }
}

std::string CrashCustomer::Run(const std::atomic<bool>& stop) {
    while (!stop) {
        const std::string before = Fingerprint();
        const std::string update = NextUpdate();
        if (!update.empty() && !Deliver(update, stop)) return "";
        if (!AwaitChange(before)) {
            const auto messages = api_.Chat(user_.id());
            return "chat " + std::to_string(user_.id()) + ": no reply within 40 s; newest: " +
                   (messages.empty() ? "(none)" : messages.back().text);
        }
    }
    return "";
}

}  // namespace bookbot::testing
