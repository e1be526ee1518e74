#include "telegram_updates.hpp"

#include <nlohmann/json.hpp>

namespace bookbot::bench {
namespace {

using nlohmann::json;

json User(std::int64_t id) {
    return {{"id", id}, {"is_bot", false}, {"first_name", "Bench"}, {"language_code", "en"}};
}

json Chat(std::int64_t id) { return {{"id", id}, {"first_name", "Bench"}, {"type", "private"}}; }

}  // namespace

std::string TextUpdate(std::int64_t update_id, std::int64_t chat_id, const std::string& text) {
    return json{{"update_id", update_id},
                {"message",
                 {{"message_id", update_id},
                  {"from", User(chat_id)},
                  {"chat", Chat(chat_id)},
                  {"date", 1767261500},
                  {"text", text}}}}
        .dump();
}

std::string ButtonUpdate(std::int64_t update_id, std::int64_t chat_id, std::int64_t message_id,
                         const std::string& callback_data) {
    return json{{"update_id", update_id},
                {"callback_query",
                 {{"id", "bench-" + std::to_string(update_id)},
                  {"from", User(chat_id)},
                  {"message",
                   {{"message_id", message_id},
                    {"from", {{"id", 1}, {"is_bot", true}, {"first_name", "Fake"}}},
                    {"chat", Chat(chat_id)},
                    {"date", 1767261500},
                    {"text", "…"}}},
                  {"chat_instance", "1"},
                  {"data", callback_data}}}}
        .dump();
}

}  // namespace bookbot::bench
