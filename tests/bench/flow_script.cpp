#include "flow_script.hpp"

#include <array>
#include <chrono>
#include <string_view>

namespace bookbot::bench {
namespace {

bool StartsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string ActionOf(const std::string& payload) {
    const auto bar = payload.find('|');
    return bar == std::string::npos ? payload : payload.substr(bar + 1);
}

std::optional<std::string> NextPress(const std::vector<std::string>& payloads, std::mt19937& rng) {
    // Each step's keyboard has one kind of forward button plus navigation.
    static constexpr std::array<std::string_view, 6> kForward = {
        "ok", "slot:", "day:", "svc:", "book", "back"};
    for (const std::string_view kind : kForward) {
        std::vector<const std::string*> matching;
        for (const std::string& p : payloads) {
            const std::string action = ActionOf(p);
            const bool exact = kind.back() != ':';
            if (exact ? action == kind : StartsWith(action, kind)) matching.push_back(&p);
        }
        if (matching.empty()) continue;
        std::uniform_int_distribution<std::size_t> pick(0, matching.size() - 1);
        return *matching[pick(rng)];
    }
    return std::nullopt;
}

std::int64_t FreshIdBase() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool IsBookedText(const std::string& text) { return StartsWith(text, "Booked: "); }

}  // namespace bookbot::bench
