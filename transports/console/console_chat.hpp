#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>

#include "bookbot/core/engine.hpp"

namespace bookbot::transports::console {

// A conversation in the terminal, as platform "console". Each line is one
// update; replies are taken from the outbox like any platform's, printed with
// their buttons as "[n] label". Typing n presses button n of the last message
// shown in this conversation, also after a restart (it is kept in the store).
class ConsoleChat {
public:
    ConsoleChat(core::Engine& engine, core::Store& store, const core::Clock& clock,
                std::string user_id);

    // Shows the last message of a conversation left earlier, if any.
    void Resume(std::ostream& out);
    // Handles one typed line and prints the bot's replies.
    void HandleLine(const std::string& line, std::ostream& out);

    static constexpr const char* kPlatform = "console";

private:
    void PrintReply(const core::Reply& reply, std::ostream& out) const;
    void Deliver(std::ostream& out);
    std::string LastShownKey() const { return "console.last_shown." + user_id_; }

    core::Engine& engine_;
    core::Store& store_;
    const core::Clock& clock_;
    const std::string user_id_;
    const std::string worker_;
};

}  // namespace bookbot::transports::console
