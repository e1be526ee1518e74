#include "serve_runtime.hpp"

#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "bookbot/core/engine.hpp"
#include "bookbot/core/log.hpp"
#include "bookbot/core/outbox_dispatcher.hpp"
#include "bookbot/core/update_metrics.hpp"
#include "bookbot/core/write_health.hpp"
#include "bookbot/transports/http/server.hpp"
#include "cli_support.hpp"
#include "config.hpp"
#include "logging.hpp"
#include "serve_loops.hpp"
#include "service_notifier.hpp"
#include "test_clock.hpp"
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
    metrics.DeclareCounter("bookbot_reminders_total",
                           "Due reminders taken, by outcome (sent, skipped).");
}

// Which platforms get reminders and how: WhatsApp only delivers them as an
// approved template (outside its 24-hour window), so without one it gets none.
void ApplyReminderSettings(const ServeOptions& options, const Platforms& platforms,
                           core::Business& business) {
    if (!options.whatsapp_reminder_template.empty()) {
        business.reminder_templates["whatsapp"].name = options.whatsapp_reminder_template;
    }
    for (const auto& platform : platforms) {
        if (platform->Name() == "whatsapp" && !business.reminder_templates.contains("whatsapp") &&
            !business.reminder_leads.empty()) {
            business.reminders_off.insert("whatsapp");
            core::log::Warn("reminders.off",
                            {{"platform", "whatsapp"},
                             {"why", "no approved template (--whatsapp-reminder-template)"}});
        }
    }
}

// Keeps the platforms that are on (Configure() said so), in order.
Platforms ConfigurePlatforms(Platforms platforms) {
    Platforms on;
    for (auto& platform : platforms) {
        if (platform->Configure(AddSecret)) on.push_back(std::move(platform));
    }
    // Before anything starts (AddRoute checks again as routes are mounted).
    if (auto clash = FindWebhookPathClash(on)) throw std::invalid_argument(*clash);
    return on;
}

// Everything `serve` runs, built in dependency order and torn down in reverse.
class Runtime {
public:
    Runtime(ServeOptions options, Platforms platforms) : options_(std::move(options)) {
        platforms_ = ConfigurePlatforms(std::move(platforms));  // bad settings fail first
        DeclareServeMetrics(metrics_);
        store_ = std::make_unique<core::HealthReportingStore>(OpenCliStore(options_.db), health_);
        store_->Migrate(clock_.Now());
        store_->RequireCurrentSchema();
        business_ = LoadBusinessOrDemo(options_.config);
        for (const auto& platform : platforms_) {
            if (const std::size_t max = platform->MaxChoices(); max > 0) {
                business_.max_choices[std::string(platform->Name())] = max;
            }
        }
        ApplyReminderSettings(options_, platforms_, business_);
        engine_ = std::make_unique<core::Engine>(*store_, business_, clock_);
        intake_ =
            std::make_unique<transports::Intake>(*engine_, &metrics_, [this](std::string_view p) {
                wakeup_.Notify();  // platform loops waiting in host.wait
                const auto wakeups = dispatch_wakeups_.find(p);
                if (wakeups != dispatch_wakeups_.end()) wakeups->second->NotifyAny();
            });
        for (auto& platform : platforms_) {  // before any update can arrive
            dispatch_wakeups_[std::string(platform->Name())] =
                std::make_unique<DispatchWakeups>(options_.dispatcher_threads);
        }
        for (auto& platform : platforms_) StartPlatform(*platform);
        StartServer();
        workers_.emplace_back([this](const std::stop_token& stop) {
            SweepLoop(*store_, clock_, metrics_, std::chrono::seconds(options_.sweep_seconds),
                      stop);
        });
        workers_.emplace_back([this](const std::stop_token& stop) {
            ReminderLoop(*store_, business_, clock_, metrics_,
                         std::chrono::seconds(options_.reminder_seconds), stop);
        });
        if (business_.staff.agenda_minute) {
            workers_.emplace_back([this](const std::stop_token& stop) {
                AgendaLoop(*store_, business_, clock_, std::chrono::seconds(30), stop);
            });
        }
    }

    void Stop() {
        core::log::Info("serve.stopping", {{"drain_seconds", options_.drain_seconds}});
        // Past this, whatever is still blocked (on a database lock) is
        // abandoned with the process: what it had not committed is rolled
        // back; what it had, the platform delivers again and the dedupe
        // recognises.
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::seconds(options_.drain_seconds) + 500ms;
        const auto abandon = [](const char* what) {
            core::log::Info("serve.stopped", {{"note", what}});
            std::fflush(stderr);
            std::_Exit(0);
        };
        if (!server_->Shutdown(std::chrono::seconds(options_.drain_seconds))) {
            abandon("blocked handlers abandoned");
        }
        for (auto& worker : workers_) worker.request_stop();
        wakeup_.Notify();
        auto joined = std::async(std::launch::async, [this] { workers_.clear(); });
        if (joined.wait_until(deadline) != std::future_status::ready) {
            abandon("blocked workers abandoned");
        }
        for (auto& platform : platforms_) {
            if (!platform->Stop(std::chrono::seconds(options_.drain_seconds) + 1s)) {
                core::log::Info("serve.stopped",
                                {{"note", std::string(platform->Name()) + " loop abandoned"}});
                std::fflush(stderr);
                std::_Exit(0);
            }
        }
        core::log::Info("serve.stopped");
    }

private:
    void StartPlatform(transports::Platform& platform) {
        platform.Start({*store_, clock_, metrics_, *intake_,
                        [this](core::Millis timeout, const std::stop_token& stop) {
                            wakeup_.Wait(wakeup_.Generation(), timeout, stop);
                        },
                        core::CustomerCommandMenu(business_)});
        for (transports::Route& route : platform.Routes()) AddRoute(std::move(route));
        const transports::Pacing pacing = platform.GetPacing();
        const std::string worker = WorkerId();
        auto& wakeups = dispatch_wakeups_.at(std::string(platform.Name()));
        for (int i = 0; i < options_.dispatcher_threads; ++i) {
            core::DispatcherOptions d;
            d.platform = std::string(platform.Name());
            d.worker = worker + "-" + std::to_string(i);
            d.lease = pacing.lease;
            d.global_rate = pacing.global_rate / options_.dispatcher_threads;
            d.global_burst = std::max(1.0, d.global_rate);
            d.chat_rate = pacing.chat_rate;
            d.on_late_result = [raw = wakeups.get(), i] { raw->Notify(i); };
            auto dispatcher = std::make_unique<core::OutboxDispatcher>(*store_, platform.Sender(),
                                                                       clock_, d, &metrics_);
            workers_.emplace_back(
                [this, raw = dispatcher.get(), w = wakeups.get(), i](const std::stop_token& stop) {
                    DispatchLoop(*raw, *w, i, metrics_, stop);
                });
            dispatchers_.push_back(std::move(dispatcher));
        }
    }

    void AddRoute(transports::Route route) {
        static const std::set<std::string> kBuiltIn = {"/healthz", "/readyz", "/metrics"};
        if (kBuiltIn.count(route.path) > 0 || routes_.count(route.path) > 0) {
            throw std::invalid_argument("two routes on the path '" + route.path +
                                        "' (built-in: /healthz, /readyz, /metrics): give the "
                                        "platforms' webhooks different paths");
        }
        routes_.emplace(route.path, std::move(route));
    }

    void StartServer() {
        const ListenAddress address = ParseListen(options_.listen);
        http::ServerOptions s;
        s.address = address.host;
        s.port = address.port;
        s.body_limit = options_.body_limit;
        s.max_concurrent_requests = options_.max_concurrent;
        s.max_connections = options_.max_connections;
        s.handler_threads = options_.handler_threads;
        server_ =
            std::make_unique<http::Server>(s, [this](const http::Request& r) { return Route(r); });
        server_->Start();
        std::string platforms;
        for (const auto& p : platforms_) {
            platforms += (platforms.empty() ? "" : ",") + std::string(p->Name()) + ":" + p->Mode();
        }
        core::log::Info("serve.listening",
                        {{"address", address.host + ":" + std::to_string(server_->Port())},
                         {"store", store_->RedactedUrl()},
                         {"platforms", platforms.empty() ? "none" : platforms}});
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
        } else if (const auto it = routes_.find(path); it != routes_.end()) {
            route = it->second.name;
            response = it->second.handle(request);
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
            if (!health_.ReadyOrProbe(*store_, clock_)) {
                response.status = 503;
                response.body = "not ready: the last " +
                                std::to_string(health_.ConsecutiveFailures()) +
                                " writes failed, and so did a probe write\n";
                return response;
            }
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

    ServeOptions options_;
    const core::SystemClock system_clock_;
    const std::unique_ptr<core::Clock> test_clock_ =
        options_.test_clock_file.empty()
            ? nullptr
            : std::make_unique<OffsetFileClock>(options_.test_clock_file);
    const core::Clock& clock_ = test_clock_ ? static_cast<const core::Clock&>(*test_clock_)
                                            : static_cast<const core::Clock&>(system_clock_);
    core::Metrics metrics_;
    Wakeup wakeup_;  // platform loops (host.wait)
    core::WriteHealth health_;
    // Per platform; filled before any platform starts, read-only after.
    std::map<std::string, std::unique_ptr<DispatchWakeups>, std::less<>> dispatch_wakeups_;
    std::unique_ptr<core::Store> store_;
    core::Business business_;
    std::unique_ptr<core::Engine> engine_;
    std::unique_ptr<transports::Intake> intake_;
    // The ones that are on. Their loops use the members above; the routes,
    // dispatchers and server below use them.
    Platforms platforms_;
    std::map<std::string, transports::Route, std::less<>> routes_;
    std::vector<std::unique_ptr<core::OutboxDispatcher>> dispatchers_;
    std::unique_ptr<http::Server> server_;
    std::vector<std::jthread> workers_;
};

}  // namespace

void Serve(ServeOptions options, Platforms platforms) {
    // Every thread started from here on inherits the mask; this one waits.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    Runtime runtime(std::move(options), std::move(platforms));
    ServiceNotifier systemd;  // READY=1 (Type=notify), WATCHDOG=1 while running
    int received = 0;
    sigwait(&signals, &received);
    core::log::Info("serve.signal", {{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
    systemd.Stopping();
    runtime.Stop();
}

}  // namespace bookbot::app
