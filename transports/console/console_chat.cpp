#include "console/console_chat.hpp"

#include <unistd.h>

#include <charconv>
#include <ostream>
#include <thread>

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
    in.external_id = worker_ + "-" + std::to_string(core::ToEpochMillis(in.at)) + "-" +
                     std::to_string(++sequence_);
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
    const core::HandleResult result = engine_.Handle(in);
    Deliver(out, result.replies.size());
}

// Takes this conversation's replies from the outbox, prints them and marks
// them sent; the last one with buttons is remembered for "press n". Claims
// are per platform, so another terminal's claim may hold our replies for the
// length of its transaction (PostgreSQL skips locked rows): until `expected`
// are printed, an empty round is tried again after a short pause, for at most
// about two seconds.
void ConsoleChat::Deliver(std::ostream& out, std::size_t expected) {
    std::size_t printed = 0;
    for (int idle_rounds = 0; idle_rounds < 200;) {
        std::vector<core::OutboxMessage> batch;
        core::RunWithRetry(store_, [&](core::UnitOfWork& u) {
            const core::TimePoint now = clock_.Now();
            batch.clear();
            for (auto& m : u.ClaimOutbox(worker_, kPlatform, now, 30s, 100)) {
                if (m.chat_id != user_id_) {
                    u.MarkRetry(m.id, worker_, now, "");  // another terminal's
                    continue;
                }
                const core::Reply reply = core::DecodeReply(m.body);
                if (!reply.keyboard.empty()) u.PutTransportState(LastShownKey(), m.body, now);
                u.MarkSent(m.id, worker_, now);
                batch.push_back(std::move(m));
            }
        });
        if (batch.empty()) {
            if (printed >= expected) return;
            ++idle_rounds;
            std::this_thread::sleep_for(10ms);
            continue;
        }
        for (const auto& m : batch) PrintReply(core::DecodeReply(m.body), out);
        printed += batch.size();
    }
}

}  // namespace bookbot::transports::console
