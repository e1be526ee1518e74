#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "platforms.hpp"

namespace bookbot::app {

// serve's own settings; each platform's are its own (platforms.hpp).
struct ServeOptions {
    std::string db;
    std::optional<std::string> config;
    std::string listen = "127.0.0.1:8080";
    std::size_t body_limit = std::size_t{1024} * 1024;
    std::size_t max_concurrent = 64;
    std::size_t max_connections = 512;
    // Updates handled at once. More than the cores: a handler mostly waits
    // for its unit's commit, and the more writers queue, the more units share
    // one SQLite commit (group commit). Peer bench, 2 cores, one run: 8
    // against 4 gave SQLite 9-10 % more updates/s for 7-11 % less CPU per
    // update, PostgreSQL the same (its pool has 4 connections); 16 gave
    // SQLite 2-4 % more updates/s and PostgreSQL 13 % fewer.
    int handler_threads = 8;
    int drain_seconds = 10;
    int sweep_seconds = 60;
    // Per platform that is on. One dispatcher already sends 8 messages at once
    // (DispatcherOptions::parallel_sends) and claims 16 per unit; a second one
    // on a 2-core machine only splits the same rows into smaller claims.
    int dispatcher_threads = 1;
    int reminder_seconds = 5;  // the reminder loop looks at least this often
    // WhatsApp's approved reminder template; overrides [reminders] whatsapp_template.
    std::string whatsapp_reminder_template;
    // Hidden, for end-to-end tests: a file holding a clock offset in ms.
    std::string test_clock_file;
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
// readiness, metrics, and the routes of every platform that is on), the
// platforms' background loops, their outbox dispatchers and the session
// sweeper. Throws for what stops it from starting (bad options, the store,
// the address in use, two routes on one path).
void Serve(ServeOptions options, Platforms platforms);

}  // namespace bookbot::app
