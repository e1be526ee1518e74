#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "bookbot/core/clock.hpp"

namespace bookbot::transports::telegram::testing {

// A recorded-shape payload from tests/fixtures/telegram.
inline std::string Fixture(const std::string& name) {
    std::ifstream in(std::string(BOOKBOT_TELEGRAM_FIXTURES) + "/" + name);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline const core::TimePoint kReceivedAt = core::FromEpochMillis(1'767'261'600'123);

}  // namespace bookbot::transports::telegram::testing
