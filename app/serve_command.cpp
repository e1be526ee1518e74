#include "serve_command.hpp"

#include <memory>

#include "cli_support.hpp"
#include "serve_runtime.hpp"

namespace bookbot::app {

void AddServeCommand(CLI::App& app) {
    auto o = std::make_shared<ServeOptions>();
    CLI::App* serve = app.add_subcommand(
        "serve",
        "Run the bot: one HTTP server (GET /healthz, /readyz, /metrics; POST the Telegram "
        "webhook), Telegram long polling when no webhook secret is set, and the outbox "
        "dispatchers. Stops cleanly on SIGTERM/SIGINT. Secrets come from the environment: "
        "TELEGRAM_BOT_TOKEN (or --telegram-token-file), TELEGRAM_WEBHOOK_SECRET.");
    AddDatabaseOption(*serve, o->db);
    AddConfigOption(*serve, o->config);
    serve->add_option("--listen", o->listen, "HTTP listen address HOST:PORT (PORT 0: any free one)")
        ->envname("BOOKBOT_LISTEN")
        ->capture_default_str();
    serve->add_option("--body-limit", o->body_limit, "Largest request body accepted, in bytes")
        ->envname("BOOKBOT_BODY_LIMIT")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{64} << 20))
        ->capture_default_str();
    serve
        ->add_option("--max-concurrent", o->max_concurrent,
                     "Requests handled at once; more get 503 with Retry-After")
        ->envname("BOOKBOT_MAX_CONCURRENT")
        ->check(CLI::Range(std::size_t{1}, std::size_t{10000}))
        ->capture_default_str();
    serve
        ->add_option("--max-connections", o->max_connections,
                     "Open connections at most; at the cap a new one closes the oldest idle one")
        ->envname("BOOKBOT_MAX_CONNECTIONS")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
        ->capture_default_str();
    serve->add_option("--handler-threads", o->handler_threads, "Threads handling requests")
        ->envname("BOOKBOT_HANDLER_THREADS")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    serve
        ->add_option("--drain-seconds", o->drain_seconds,
                     "On SIGTERM, how long requests in flight may take to finish")
        ->envname("BOOKBOT_DRAIN_SECONDS")
        ->check(CLI::Range(0, 600))
        ->capture_default_str();
    serve
        ->add_option("--sweep-seconds", o->sweep_seconds,
                     "How often expired sessions and old dedupe records are removed")
        ->envname("BOOKBOT_SWEEP_SECONDS")
        ->check(CLI::Range(1, 86400))
        ->capture_default_str();
    AddTelegramOptions(*serve, o->telegram);
    serve
        ->add_option("--telegram", o->telegram_mode,
                     "auto: webhook when TELEGRAM_WEBHOOK_SECRET is set, else long polling "
                     "(when a token is set); or webhook, polling, off")
        ->envname("BOOKBOT_TELEGRAM_MODE")
        ->check(CLI::IsMember({"auto", "webhook", "polling", "off"}))
        ->capture_default_str();
    serve->add_option("--webhook-path", o->webhook_path, "Path Telegram POSTs updates to")
        ->envname("BOOKBOT_TELEGRAM_WEBHOOK_PATH")
        ->capture_default_str();
    serve->add_option("--poll-timeout", o->poll_timeout_seconds, "Long-poll wait in seconds (0-50)")
        ->envname("BOOKBOT_TELEGRAM_POLL_TIMEOUT")
        ->check(CLI::Range(0, 50))
        ->capture_default_str();
    serve
        ->add_option(
            "--telegram-timeout", o->telegram_timeout_seconds,
            "Seconds one Bot API call may take before it counts as failed (and is retried)")
        ->envname("BOOKBOT_TELEGRAM_TIMEOUT")
        ->check(CLI::Range(1, 300))
        ->capture_default_str();
    serve->add_option("--dispatchers", o->dispatcher_threads, "Outbox sending threads")
        ->envname("BOOKBOT_DISPATCHERS")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    serve
        ->add_option("--send-rate", o->send_rate,
                     "Messages per second overall (Telegram allows about 30); 0: unpaced")
        ->envname("BOOKBOT_SEND_RATE")
        ->check(CLI::Range(0.0, 100000.0))
        ->capture_default_str();
    serve
        ->add_option("--chat-rate", o->chat_rate,
                     "Messages per second to one chat (about 1, with bursts); 0: unpaced")
        ->envname("BOOKBOT_CHAT_RATE")
        ->check(CLI::Range(0.0, 1000.0))
        ->capture_default_str();
    serve->callback([o] { Serve(*o); });
}

}  // namespace bookbot::app
