#include "webhook_driver.hpp"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <utility>

#include "flow_script.hpp"
#include "telegram_updates.hpp"

namespace bookbot::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;
using Message = testing::FakeBotApi::Message;

double MillisBetween(SteadyClock::time_point from, SteadyClock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

struct ChatState {
    std::int64_t id = 0;
    std::mt19937 rng;
    std::int64_t keyboard_message_id = 0;
    std::string press;      // the stamped payload to press next; empty: say /start
    std::string redeliver;  // an update the bot did not take, to send again
    Turn turn;
    bool awaiting = false;  // an update was sent and its turn is not complete
    bool replied = false;   // the turn's first reply arrived
    int turns = 0;          // updates sent
    SteadyClock::time_point sent_at;
};

// Shared with the fake API's observer, which may outlive the driving thread
// by a call in progress.
class DriveState {
public:
    explicit DriveState(const DriverOptions& options) : options_(options) {
        chats_.resize(static_cast<std::size_t>(options.chats));
        for (std::size_t i = 0; i < chats_.size(); ++i) {
            chats_[i].id = options.first_chat_id + static_cast<std::int64_t>(i);
            chats_[i].rng.seed(options.seed + static_cast<unsigned>(i));
            ready_.push_back(i);
        }
        result_.chats = options.chats;
        next_update_id_ = options.first_chat_id * 1000;
    }

    // The fake API applied a message: advance that chat's turn.
    void OnMessage(const Message& m) {
        const std::lock_guard lock(mutex_);
        const std::int64_t index = m.chat_id - options_.first_chat_id;
        if (index < 0 || index >= options_.chats) return;
        ChatState& c = chats_[static_cast<std::size_t>(index)];
        if (!c.awaiting) return;
        if (!c.replied) {
            c.replied = true;
            result_.reply_ms.push_back(MillisBetween(c.sent_at, m.changed_at));
        }
        if (m.buttons.empty()) {
            c.turn.notice_arrived = true;
            c.turn.booked = c.turn.booked || IsBookedText(m.text);
            if (!c.turn.Complete()) return;
        } else {
            c.turn.keyboard_arrived = true;
            c.keyboard_message_id = m.message_id;
            c.press.clear();
            std::vector<std::string> payloads;
            for (const auto& b : m.buttons) payloads.push_back(b.data);
            if (auto next = NextPress(payloads, c.rng)) c.press = std::move(*next);
            if (!c.turn.Complete()) return;
        }
        c.awaiting = false;
        if (c.turn.booked) {
            Finish(result_.completed);
        } else if (c.press.empty() || c.turns >= kMaxTurns) {
            Finish(result_.stuck);
        } else {
            ready_.push_back(static_cast<std::size_t>(index));
            changed_.notify_one();
        }
    }

    // One webhook connection's loop: send ready chats' updates until every
    // flow finished or the deadline passed.
    void Work(transports::http::Client& client, SteadyClock::time_point deadline) {
        while (true) {
            ChatState* c = nullptr;
            std::string body;
            {
                std::unique_lock lock(mutex_);
                changed_.wait_until(lock, deadline,
                                    [&] { return !ready_.empty() || finished_ == options_.chats; });
                if (ready_.empty()) return;
                c = &chats_[ready_.front()];
                ready_.pop_front();
                body = c->redeliver.empty() ? NextUpdate(*c) : std::exchange(c->redeliver, {});
            }
            Post(client, *c, body);
        }
    }

    DriveResult Result(SteadyClock::time_point started) {
        const std::lock_guard lock(mutex_);
        result_.seconds =
            std::chrono::duration<double>(
                (finished_ == options_.chats ? finished_at_ : SteadyClock::now()) - started)
                .count();
        return result_;
    }

private:
    // Starts a chat's next turn and returns the update for it.
    std::string NextUpdate(ChatState& c) {
        const std::int64_t update_id = next_update_id_++;
        ++c.turns;
        c.turn = Turn{};
        c.turn.pressed_yes = ActionOf(c.press) == "ok";
        c.replied = false;
        c.awaiting = true;
        c.sent_at = SteadyClock::now();
        if (c.press.empty()) return TextUpdate(update_id, c.id, "/start");
        return ButtonUpdate(update_id, c.id, c.keyboard_message_id, c.press);
    }

    void Post(transports::http::Client& client, ChatState& c, const std::string& body) {
        const auto sent = SteadyClock::now();
        int status = 0;
        try {
            status = client.Post(options_.webhook_path, "application/json", body).status;
        } catch (const transports::http::HttpError&) {
            status = 0;
        }
        const auto answered = SteadyClock::now();
        const std::lock_guard lock(mutex_);
        if (status == 200) {
            ++result_.updates;
            result_.webhook_ms.push_back(MillisBetween(sent, answered));
            return;
        }
        ++(status == 0 ? result_.errors : result_.rejected);
        c.redeliver = body;
        ready_.push_back(static_cast<std::size_t>(&c - chats_.data()));
        changed_.notify_one();
    }

    void Finish(int& counter) {
        ++counter;
        if (++finished_ == options_.chats) {
            finished_at_ = SteadyClock::now();
            changed_.notify_all();
        }
    }

    const DriverOptions options_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<ChatState> chats_;
    std::deque<std::size_t> ready_;
    std::int64_t next_update_id_ = 0;
    int finished_ = 0;
    SteadyClock::time_point finished_at_;
    DriveResult result_;
};

}  // namespace

DriveResult DriveWebhook(transports::http::Client& client, testing::FakeBotApi& api,
                         const DriverOptions& options) {
    auto state = std::make_shared<DriveState>(options);
    api.SetObserver([state](const Message& m) { state->OnMessage(m); });
    const auto started = SteadyClock::now();
    const auto deadline = started + options.timeout;
    {
        std::vector<std::jthread> connections;
        for (int i = 0; i < options.concurrency; ++i) {
            connections.emplace_back([&] { state->Work(client, deadline); });
        }
    }
    api.SetObserver(nullptr);
    return state->Result(started);
}

}  // namespace bookbot::bench
