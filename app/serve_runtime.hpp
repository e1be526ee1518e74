#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "telegram_settings.hpp"

namespace bookbot::app {

struct ServeOptions {
    std::string db;
    std::optional<std::string> config;
    std::string listen = "127.0.0.1:8080";
    std::size_t body_limit = std::size_t{1024} * 1024;
    std::size_t max_concurrent = 64;
    int handler_threads = 4;
    int drain_seconds = 10;
    int sweep_seconds = 60;

    TelegramSettings telegram;
    std::string telegram_mode = "auto";  // auto, webhook, polling, off
    std::string webhook_path = "/telegram/webhook";
    int poll_timeout_seconds = 25;
    int telegram_timeout_seconds = 15;  // one Bot API call (long polls get theirs on top)
    int dispatcher_threads = 2;
    double send_rate = 30;  // messages/s overall; 0 = unpaced
    double chat_rate = 1;   // messages/s per chat; 0 = unpaced
};

// Where serve listens: an IP address (not a host name) and a port.
struct ListenAddress {
    std::string host;
    std::uint16_t port = 0;
};

// Parses --listen's HOST:PORT ("127.0.0.1:8080", "[::1]:8080"; port 0: any
// free one). Throws std::invalid_argument with an example of the form.
ListenAddress ParseListen(const std::string& text);

// Runs `bookbot serve` until SIGTERM or SIGINT: the HTTP server (health,
// readiness, metrics, the Telegram webhook), long polling or not, the outbox
// dispatchers and the session sweeper. Throws for what stops it from starting
// (bad options, the store, the address in use).
void Serve(ServeOptions options);

}  // namespace bookbot::app
