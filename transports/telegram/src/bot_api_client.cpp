// The one translation unit of this module that calls http::Client, so code
// that fakes the transport (the unit tests) links without it.
#include "bookbot/transports/telegram/bot_api.hpp"

namespace bookbot::transports::telegram {

BotApi::BotApi(http::Client& client, std::string token, const core::Clock& clock)
    : BotApi(
          [&client](std::string_view path, std::string_view json_body,
                    std::optional<std::chrono::milliseconds> timeout) {
              return client.Post(path, "application/json", json_body, timeout);
          },
          std::move(token), clock) {}

}  // namespace bookbot::transports::telegram
