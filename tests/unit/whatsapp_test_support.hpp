#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "bookbot/core/clock.hpp"

namespace bookbot::transports::whatsapp::testing {

// A payload from tests/fixtures/whatsapp, written from the documented fields.
inline std::string Fixture(const std::string& name) {
    std::ifstream in(std::string(BOOKBOT_WHATSAPP_FIXTURES) + "/" + name);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline const core::TimePoint kReceivedAt = core::FromEpochMillis(1'767'261'600'123);
inline constexpr const char* kPhoneNumberId = "106540352242922";

}  // namespace bookbot::transports::whatsapp::testing
