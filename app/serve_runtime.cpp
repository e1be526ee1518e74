#include "serve_runtime.hpp"

#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <random>
#include <thread>

#include "bookbot/core/engine.hpp"
#include "bookbot/core/log.hpp"
#include "bookbot/core/outbox_dispatcher.hpp"
#include "bookbot/core/update_metrics.hpp"
#include "bookbot/transports/http/server.hpp"
#include "bookbot/transports/telegram/callback_answers.hpp"
#include "bookbot/transports/telegram/outbox_sender.hpp"
#include "bookbot/transports/telegram/poller.hpp"
#include "bookbot/transports/telegram/webhook.hpp"
#include "cli_support.hpp"
#include "config.hpp"
#include "service_notifier.hpp"
#include "wakeup.hpp"

namespace bookbot::app {

ListenAddress ParseListen(const std::string& text) {
    const auto colon = text.rfind(':');
    ListenAddress address;
    if (colon != std::string::npos && colon > 0) {
        address.host = text.substr(0, colon);
        if (address.host.front() == '[' && address.host.back() == ']') {
            address.host = address.host.substr(1, address.host.size() - 2);
        }
        try {
            std::size_t used = 0;
            const int port = std::stoi(text.substr(colon + 1), &used);
            if (used == text.size() - colon - 1 && port >= 0 && port <= 65535) {
                address.port = static_cast<std::uint16_t>(port);
                return address;
            }
        } catch (const std::exception&) {
        }
    }
    throw std::invalid_argument("--listen '" + text +
                                "' is not HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080, 0.0.0.0:80)");
}

namespace {

using namespace std::chrono_literals;
namespace http = transports::http;
namespace telegram = transports::telegram;

// Dedupe records are kept this long: Telegram keeps an update for 24 h,
// WhatsApp retries for days.
constexpr auto kDedupeRetention = std::chrono::hours(24 * 7);

std::string WorkerId() {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    std::random_device random;
    return std::string(host) + "-" + std::to_string(getpid()) + "-" +
           std::to_string(random() % 100000);
}

void DeclareServeMetrics(core::Metrics& metrics) {
    core::DeclareUpdateMetrics(metrics);
    core::OutboxDispatcher::DeclareMetrics(metrics);
    metrics.DeclareCounter("bookbot_http_requests_total", "HTTP requests by route and status.");
    metrics.DeclareGauge("bookbot_http_requests_in_flight", "HTTP requests being handled.");
    metrics.DeclareGauge("bookbot_outbox_messages", "Outbox rows by status (pending, dead).");
    metrics.DeclareCounter("bookbot_sessions_swept_total", "Expired sessions removed.");
}

// The mode, checked: a token for any Telegram mode, a secret for a webhook.
TelegramMode ResolveMode(ServeOptions& o) {
    ResolveTelegramSettings(o.telegram);
    const TelegramMode mode = PickTelegramMode(o.telegram_mode, o.telegram);
    if (mode == TelegramMode::kOff) return mode;
    RequireTelegramToken(o.telegram);
    if (mode == TelegramMode::kWebhook && o.telegram.webhook_secret.empty()) {
        throw std::invalid_argument(
            "--telegram webhook needs TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -), the "
            "same one given to `bookbot telegram set-webhook`");
    }
    return mode;
}

// Everything `serve` runs, built in dependency order and torn down in reverse.
class Runtime {
public:
    explicit Runtime(ServeOptions options)
        : options_(std::move(options)), mode_(ResolveMode(options_)) {
        DeclareServeMetrics(metrics_);
        store_ = OpenCliStore(options_.db);
        store_->Migrate(clock_.Now());
        store_->RequireCurrentSchema();
        business_ = LoadBusinessOrDemo(options_.config);
        engine_ = std::make_unique<core::Engine>(*store_, business_, clock_);
        if (mode_ != TelegramMode::kOff) StartTelegram();
        StartServer();
        workers_.emplace_back([this](const std::stop_token& stop) { SweepLoop(stop); });
    }

    void Stop() {
        core::log::Info("serve.stopping", {{"drain_seconds", options_.drain_seconds}});
        server_->Shutdown(std::chrono::seconds(options_.drain_seconds));
        for (auto& worker : workers_) worker.request_stop();
        wakeup_.Notify();
        workers_.clear();  // joins
        if (poller_thread_.joinable()) {
            poller_thread_.request_stop();
            if (poller_done_.wait_for(std::chrono::seconds(options_.drain_seconds) + 1s) !=
                std::future_status::ready) {
                // Blocked in a long poll. Nothing it holds is uncommitted: the
                // offset only moves after a batch committed.
                core::log::Info("serve.stopped", {{"note", "long poll abandoned"}});
                std::fflush(stderr);
                std::_Exit(0);
            }
        }
        core::log::Info("serve.stopped");
    }

private:
    void StartTelegram() {
        telegram_ = ConnectTelegram(options_.telegram, clock_,
                                    std::chrono::seconds(options_.telegram_timeout_seconds));
        sender_ = std::make_unique<telegram::TelegramSender>(*telegram_.api);
        callbacks_ = std::make_unique<telegram::CallbackAnswers>(*telegram_.api);
        handler_ = std::make_unique<telegram::UpdateHandler>(
            *engine_, *store_, clock_, &metrics_,
            telegram::UpdateHandler::Hooks{
                [this] { wakeup_.Notify(); },
                [this](const std::string& id) { callbacks_->Enqueue(id); }});
        const std::string worker = WorkerId();
        for (int i = 0; i < options_.dispatcher_threads; ++i) {
            core::DispatcherOptions d;
            d.platform = std::string(telegram::kPlatform);
            d.worker = worker + "-" + std::to_string(i);
            // A claim must outlive one send; a crashed worker's claims come
            // back after this long (then resent: at least once, never lost).
            d.lease = 2 * std::chrono::seconds(options_.telegram_timeout_seconds) + 5s;
            d.global_rate = options_.send_rate / options_.dispatcher_threads;
            d.global_burst = std::max(1.0, d.global_rate);
            d.chat_rate = options_.chat_rate;
            auto dispatcher =
                std::make_unique<core::OutboxDispatcher>(*store_, *sender_, clock_, d, &metrics_);
            workers_.emplace_back([this, raw = dispatcher.get()](const std::stop_token& stop) {
                DispatchLoop(*raw, stop);
            });
            dispatchers_.push_back(std::move(dispatcher));
        }
        if (mode_ == TelegramMode::kWebhook) {
            webhook_ = std::make_unique<telegram::Webhook>(
                *handler_, options_.telegram.webhook_secret, clock_, &metrics_);
            core::log::Info("telegram.webhook", {{"path", options_.webhook_path}});
        } else {
            telegram::PollerOptions p;
            p.timeout_seconds = options_.poll_timeout_seconds;
            poller_ =
                std::make_unique<telegram::Poller>(*telegram_.api, *handler_, *store_, clock_, p);
            std::promise<void> done;
            poller_done_ = done.get_future();
            poller_thread_ =
                std::jthread([this, done = std::move(done)](const std::stop_token& stop) mutable {
                    core::log::Info("telegram.polling",
                                    {{"timeout_seconds", options_.poll_timeout_seconds}});
                    poller_->Run([&stop] { return stop.stop_requested(); },
                                 [this, &stop](core::Millis d) {
                                     wakeup_.Wait(wakeup_.Generation(), d, stop);
                                 });
                    done.set_value();
                });
        }
    }

    void StartServer() {
        const ListenAddress address = ParseListen(options_.listen);
        http::ServerOptions s;
        s.address = address.host;
        s.port = address.port;
        s.body_limit = options_.body_limit;
        s.max_concurrent_requests = options_.max_concurrent;
        s.handler_threads = options_.handler_threads;
        server_ =
            std::make_unique<http::Server>(s, [this](const http::Request& r) { return Route(r); });
        server_->Start();
        core::log::Info("serve.listening",
                        {{"address", address.host + ":" + std::to_string(server_->Port())},
                         {"store", store_->RedactedUrl()},
                         {"telegram", mode_ == TelegramMode::kOff       ? "off"
                                      : mode_ == TelegramMode::kWebhook ? "webhook"
                                                                        : "polling"}});
    }

    http::Response Route(const http::Request& request) {
        const std::string_view path = request.Path();
        std::string route = "other";
        http::Response response;
        if (path == "/healthz") {
            route = "healthz";
            response.body = "ok\n";
        } else if (path == "/readyz") {
            route = "readyz";
            response = Ready();
        } else if (path == "/metrics") {
            route = "metrics";
            response = MetricsPage();
        } else if (webhook_ && path == options_.webhook_path) {
            route = "telegram_webhook";
            response = webhook_->Handle(request);
        } else {
            response.status = 404;
            response.body = "not found\n";
        }
        metrics_.Add("bookbot_http_requests_total",
                     {{"route", route}, {"status", std::to_string(response.status)}});
        return response;
    }

    http::Response Ready() {
        http::Response response;
        try {
            store_->RequireCurrentSchema();
            response.body = "ready\n";
        } catch (const core::StorageError& e) {
            core::CountStoreError(&metrics_, e);
            response.status = 503;
            response.body = "not ready: " + std::string(e.what()) + "\n";
        }
        return response;
    }

    http::Response MetricsPage() {
        try {
            store_->Read([&](core::UnitOfWork& unit) {
                for (auto status : {core::OutboxStatus::kPending, core::OutboxStatus::kDead}) {
                    metrics_.Set("bookbot_outbox_messages",
                                 {{"status", std::string(ToString(status))}},
                                 static_cast<double>(unit.CountOutbox(status)));
                }
            });
        } catch (const core::StorageError& e) {
            core::CountStoreError(&metrics_, e);  // the page still shows the rest
        }
        metrics_.Set("bookbot_http_requests_in_flight", {},
                     static_cast<double>(server_->InFlight()));
        http::Response response;
        response.content_type = "text/plain; version=0.0.4; charset=utf-8";
        response.body = metrics_.Render();
        return response;
    }

    void DispatchLoop(core::OutboxDispatcher& dispatcher, const std::stop_token& stop) {
        while (!stop.stop_requested()) {
            const std::uint64_t seen = wakeup_.Generation();
            core::Millis idle = 500ms;  // other instances' rows are only seen by polling
            try {
                if (dispatcher.RunOnce().claimed > 0) continue;
            } catch (const core::StorageError& e) {
                core::CountStoreError(&metrics_, e);
                core::log::Warn("outbox.store_error",
                                {{"kind", core::KindName(e.kind())}, {"error", e.what()}});
                idle = 1s;
            }
            wakeup_.Wait(seen, idle, stop);
        }
    }

    void SweepLoop(const std::stop_token& stop) {
        while (!stop.stop_requested()) {
            try {
                const core::TimePoint now = clock_.Now();
                const std::int64_t swept = core::SweepExpiredSessions(*store_, now);
                metrics_.Add("bookbot_sessions_swept_total", {}, static_cast<double>(swept));
                const std::int64_t forgotten = store_->Write([&](core::UnitOfWork& unit) {
                    return unit.DeleteInboundBefore(now - kDedupeRetention, 10'000);
                });
                if (swept > 0 || forgotten > 0) {
                    core::log::Info("sweep", {{"sessions", swept}, {"dedupe_records", forgotten}});
                }
            } catch (const core::StorageError& e) {
                core::CountStoreError(&metrics_, e);
                core::log::Warn("sweep.store_error", {{"error", e.what()}});
            }
            wakeup_.Wait(wakeup_.Generation(), std::chrono::seconds(options_.sweep_seconds), stop);
        }
    }

    ServeOptions options_;
    TelegramMode mode_;
    const core::SystemClock clock_;
    core::Metrics metrics_;
    Wakeup wakeup_;
    std::unique_ptr<core::Store> store_;
    core::Business business_;
    std::unique_ptr<core::Engine> engine_;
    TelegramConnection telegram_;
    std::unique_ptr<telegram::TelegramSender> sender_;
    std::unique_ptr<telegram::CallbackAnswers> callbacks_;
    std::unique_ptr<telegram::UpdateHandler> handler_;
    std::unique_ptr<telegram::Webhook> webhook_;
    std::unique_ptr<telegram::Poller> poller_;
    std::vector<std::unique_ptr<core::OutboxDispatcher>> dispatchers_;
    std::unique_ptr<http::Server> server_;
    std::vector<std::jthread> workers_;
    std::future<void> poller_done_;
    std::jthread poller_thread_;
};

}  // namespace

void Serve(ServeOptions options) {
    // Every thread started from here on inherits the mask; this one waits.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    Runtime runtime(std::move(options));
    ServiceNotifier systemd;  // READY=1 (Type=notify), WATCHDOG=1 while running
    int received = 0;
    sigwait(&signals, &received);
    core::log::Info("serve.signal", {{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
    systemd.Stopping();
    runtime.Stop();
}

}  // namespace bookbot::app
