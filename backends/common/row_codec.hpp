#pragma once

// Conversions between core's values and the text the schema stores. Written
// once for both backends.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "bookbot/core/session.hpp"

namespace bookbot::backends {

// JSON object text ⇄ Context. Throws StorageError kInvalid on text that is not
// valid UTF-8 (encode) and kInternal on stored text that is not such JSON.
std::string EncodeContext(const core::Context& context);
core::Context DecodeContext(const std::string& json);
std::string EncodeStepHistory(const std::vector<core::Context>& history);
std::vector<core::Context> DecodeStepHistory(const std::string& json);

// Program-generated 64-bit ids: milliseconds since 2020 in the high bits, a
// per-process random offset in the low 22 bits, counting on within the same
// millisecond. Increasing within a process (also if the clock steps back);
// across processes unique unless two issue ~10^6 ids in one millisecond.
// Thread-safe.
class IdGenerator {
public:
    IdGenerator();
    std::int64_t Next(std::int64_t now_epoch_ms);

private:
    std::atomic<std::int64_t> last_;
    std::int64_t salt_;
};

}  // namespace bookbot::backends
