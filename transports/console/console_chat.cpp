#include "console/console_chat.hpp"

#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cstdint>
#include <ostream>

namespace bookbot::transports::console {

using namespace std::chrono_literals;

ConsoleChat::ConsoleChat(core::Engine& engine, core::Store& store, const core::Clock& clock,
                         std::string user_id)
    : engine_(engine),
      store_(store),
      clock_(clock),
      user_id_(std::move(user_id)),
      worker_("console-" + std::to_string(getpid())) {}

void ConsoleChat::PrintReply(const core::Reply& reply, std::ostream& out) const {
    out << reply.text << "\n";
    int n = 0;
    for (const auto& row : reply.keyboard) {
        for (const auto& button : row) out << "  [" << ++n << "] " << button.label << "\n";
    }
    out << std::flush;
}

void ConsoleChat::Resume(std::ostream& out) {
    std::optional<std::string> last;
    store_.Read([&](core::UnitOfWork& u) { last = u.GetTransportState(LastShownKey()); });
    if (last) {
        out << "(continuing where you left off)\n";
        PrintReply(core::DecodeReply(*last), out);
    }
}

void ConsoleChat::HandleLine(const std::string& line, std::ostream& out) {
    core::Inbound in;
    in.platform = kPlatform;
    in.user_id = user_id_;
    in.chat_id = user_id_;
    in.at = clock_.Now();
    // Unique per line: the process, the instant, and a count shared by every
    // conversation in the process (one count per conversation repeated itself
    // when two of them typed in the same millisecond, and the engine dropped
    // the second line as a redelivery).
    static std::atomic<std::uint64_t> sequence{0};
    in.external_id = worker_ + "-" + std::to_string(core::ToEpochMillis(in.at)) + "-" +
                     std::to_string(sequence.fetch_add(1) + 1);
    in.kind = core::Inbound::Kind::kText;
    in.payload = line;

    int number = 0;
    const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), number);
    if (ec == std::errc() && end == line.data() + line.size() && number > 0) {
        std::optional<std::string> last;
        store_.Read([&](core::UnitOfWork& u) { last = u.GetTransportState(LastShownKey()); });
        int n = 0;
        for (const auto& row :
             last ? core::DecodeReply(*last).keyboard : std::vector<std::vector<core::Button>>{}) {
            for (const auto& button : row) {
                if (++n == number) {
                    in.kind = core::Inbound::Kind::kButton;
                    in.payload = button.payload;
                }
            }
        }
    }
    engine_.Handle(in);
    Deliver(out);
}

// Takes this conversation's replies from the outbox, in order, prints them
// and marks them sent; the last one with buttons is remembered for "press n".
// Only this chat's rows are claimed, so terminals of other users never hold
// them up.
void ConsoleChat::Deliver(std::ostream& out) {
    while (true) {
        std::optional<core::OutboxMessage> message;
        core::RunWithRetry(store_, [&](core::UnitOfWork& u) {
            const core::TimePoint now = clock_.Now();
            message = u.ClaimChatOutbox(worker_, kPlatform, user_id_, now, 30s);
            if (!message) return;
            if (!core::DecodeReply(message->body).keyboard.empty()) {
                u.PutTransportState(LastShownKey(), message->body, now);
            }
            u.MarkSent(message->id, worker_, now);
        });
        if (!message) return;
        PrintReply(core::DecodeReply(message->body), out);
    }
}

}  // namespace bookbot::transports::console
