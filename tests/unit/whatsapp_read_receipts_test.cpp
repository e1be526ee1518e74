// Read receipts: GraphApi::MarkRead run by BackgroundCalls, off the webhook's
// answer path, bounded, best effort.
#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bookbot/transports/platform/background_calls.hpp"
#include "bookbot/transports/whatsapp/graph_api.hpp"

namespace bookbot::transports::whatsapp {
namespace {

using namespace std::chrono_literals;

// A Graph API that holds every call until the test opens its gate, and
// records the message id each `status: read` call names.
class GatedGraph {
public:
    GraphApi::Transport Transport() {
        return [this](std::string_view, std::string_view, std::string_view body) {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [this] { return open_; });
            const auto json = nlohmann::json::parse(body);
            if (json.value("status", "") != "read") throw std::logic_error("not a read receipt");
            read_.push_back(json.value("message_id", ""));
            changed_.notify_all();
            if (read_.back() == "wamid.BROKEN") {
                return http::ClientResponse{500, {}, R"({"error":{"code":1}})"};
            }
            return http::ClientResponse{200, {}, R"({"success":true})"};
        };
    }
    void Open() {
        const std::lock_guard lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }
    std::vector<std::string> WaitForCalls(std::size_t count) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, 10s, [&] { return read_.size() >= count; });
        return read_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool open_ = false;
    std::vector<std::string> read_;
};

GraphSettings Settings() {
    GraphSettings settings;
    settings.access_token = "EAAGread-receipts-token";
    settings.phone_number_id = "106540352242922";
    return settings;
}

TEST_CASE("read receipts never wait for the Graph API, and drop the oldest when full") {
    GatedGraph graph;
    const GraphApi api(graph.Transport(), Settings());
    BackgroundCalls receipts(
        "whatsapp.mark_read_failed", [&api](const std::string& id) { api.MarkRead(id); }, 3);
    // The Graph API does not answer: every Enqueue still returns at once.
    receipts.Enqueue("wamid.0");
    for (int i = 1; i <= 5; ++i) receipts.Enqueue("wamid." + std::to_string(i));
    // wamid.0 may be in flight or still queued: one or two dropped.
    const std::size_t dropped = receipts.Dropped();
    CHECK((dropped == 2 || dropped == 3));
    graph.Open();
    const auto read = graph.WaitForCalls(6 - dropped);
    REQUIRE(read.size() == 6 - dropped);
    // The newest three always get through, in order.
    CHECK(std::vector<std::string>(read.end() - 3, read.end()) ==
          std::vector<std::string>{"wamid.3", "wamid.4", "wamid.5"});
}

TEST_CASE("a read receipt that fails is dropped, the next ones still go") {
    GatedGraph graph;
    graph.Open();
    const GraphApi api(graph.Transport(), Settings());
    BackgroundCalls receipts("whatsapp.mark_read_failed",
                             [&api](const std::string& id) { api.MarkRead(id); });
    receipts.Enqueue("wamid.BROKEN");
    receipts.Enqueue("wamid.OK");
    CHECK(graph.WaitForCalls(2) == std::vector<std::string>{"wamid.BROKEN", "wamid.OK"});
    CHECK(receipts.Dropped() == 0);
}

}  // namespace
}  // namespace bookbot::transports::whatsapp
