#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace bookbot::bench {

// The booking flow a benchmark user follows, decided from the buttons the bot
// actually sent: /start → Book → a service → a day → a time → Yes. Picks
// among services, days and times are random (seeded), so concurrent users
// spread over the calendar the way real ones would, and a taken slot sends
// the user back to the time list, as it would a person.

// The action of a stamped button payload ("<version>|<action>" → "<action>").
std::string ActionOf(const std::string& payload);

// The payload (stamped, as sent) to press next on a message with these
// buttons: the step's forward button (random among several), else Back (the
// day filled up while the user looked at it: a person would go back and pick
// another), else nullopt.
std::optional<std::string> NextPress(const std::vector<std::string>& payloads, std::mt19937& rng);

// A base for chat and update ids no earlier run used (the milliseconds since
// the epoch): on a reused database the bot would drop a repeated update id.
std::int64_t FreshIdBase();

// Turns a flow may take before it counts as stuck (a full calendar makes
// Back → service → no day → Back … go round; six turns book normally).
inline constexpr int kMaxTurns = 40;

// Whether a message text is the bot's "Booked: …" confirmation.
bool IsBookedText(const std::string& text);

// What a user-visible turn ends with: the message with the next keyboard
// arrived and, after pressing Yes, also the notice that precedes it.
struct Turn {
    bool pressed_yes = false;
    bool keyboard_arrived = false;
    bool notice_arrived = false;
    bool booked = false;

    bool Complete() const { return keyboard_arrived && (!pressed_yes || notice_arrived); }
};

}  // namespace bookbot::bench
