#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bookbot/core/clock.hpp"
#include "bookbot/core/commands.hpp"
#include "bookbot/core/metrics.hpp"
#include "bookbot/core/outbox_sender.hpp"
#include "bookbot/core/store.hpp"
#include "bookbot/transports/http/message.hpp"
#include "bookbot/transports/platform/intake.hpp"

// The one seam between `bookbot serve` / `bookbot doctor` and a chat platform
// (Telegram, WhatsApp, …). A platform lives in transports/<name>/ and is
// registered by ONE line in app/platforms.cpp; the runtime knows nothing else
// about it. Nothing here knows CLI11, a backend or another platform.
//
// The life of a Platform object, as the runtime drives it:
//   1. Settings()   before the command line is parsed: the options and
//                   environment variables it reads, bound to its own members.
//                   serve and doctor declare the same list, so they cannot
//                   drift.
//   2. Configure()  after parsing (serve only): reads secrets, checks their
//                   shape, answers whether the platform is ON. Off platforms
//                   are never started.
//   3. Start()      builds clients and sender and starts its background loops.
//   4. Routes(), Sender(), Pacing(), Mode()
//                   read once after Start(): the runtime mounts the routes on
//                   its one HTTP server, runs `dispatchers` OutboxDispatchers
//                   over Sender() with Pacing(), and logs Mode().
//   5. Stop()       on SIGTERM, after the HTTP server drained and the
//                   dispatchers stopped. Then the object is destroyed.
//   Doctor() instead of 2–5 for `bookbot doctor`.
// Calls 1–5 come from one thread; Routes' handlers and Sender() are called
// from many threads at once and must be thread-safe.
namespace bookbot::transports {

// One command-line option with its environment variable. `value` points at a
// member of the platform; its value before parsing is the default.
struct Setting {
    std::string flag{};  // "--telegram-timeout"
    std::string env{};   // "BOOKBOT_TELEGRAM_TIMEOUT"; empty: none
    std::string help{};
    std::variant<std::string*, int*, double*> value{};
    double min = 0;  // numbers: accepted range [min, max], when min < max
    double max = 0;
    std::vector<std::string> choices{};  // text: the accepted values; empty: any
    bool show_default = true;            // false for paths and the like
};

// One HTTP route on serve's server. `name` labels bookbot_http_requests_total
// ("telegram_webhook"). The handler answers every method itself (405 where it
// wants), never throws, and runs on the server's handler threads.
struct Route {
    std::string path;
    std::string name;
    std::function<http::Response(const http::Request&)> handle;
};

// How the outbox dispatchers of one platform pace and claim. The runtime
// splits `global_rate` across its dispatcher threads.
struct Pacing {
    core::Millis lease{60'000};  // must outlive one Send (the client's timeout)
    double global_rate = 30;     // messages/s overall; 0: unpaced
    double chat_rate = 1;        // messages/s per chat; 0: unpaced
};

// What doctor prints for one check: "OK", "FAIL … — fix: …" or "SKIP".
struct CheckResult {
    enum class Status { kOk, kFail, kSkip };

    std::string check;  // "telegram token"
    Status status = Status::kOk;
    // kOk: what was found; kFail: what is wrong; kSkip: why it does not apply.
    std::string detail;
    std::string fix;  // kFail only: what to do

    static CheckResult Ok(std::string check, std::string detail) {
        return {std::move(check), Status::kOk, std::move(detail), {}};
    }
    static CheckResult Fail(std::string check, std::string problem, std::string fix) {
        return {std::move(check), Status::kFail, std::move(problem), std::move(fix)};
    }
    static CheckResult Skip(std::string check, std::string why) {
        return {std::move(check), Status::kSkip, std::move(why), {}};
    }
};

// Registers a secret (token, app secret) so that no log line shows it.
using SecretSink = std::function<void(const std::string&)>;

// What the runtime lends a started platform; everything outlives it.
struct PlatformHost {
    core::Store& store;  // e.g. a poll offset in transport_state
    const core::Clock& clock;
    core::Metrics& metrics;
    Intake& intake;  // where every inbound update goes
    // Pauses a background loop for up to `timeout`; returns early when `stop`
    // is requested or new work was committed (a wake-up).
    std::function<void(core::Millis timeout, const std::stop_token& stop)> wait;
    // The customers' commands with the business's descriptions, for a
    // platform that shows a command menu (Telegram's setMyCommands).
    std::vector<core::CommandEntry> commands = {};
};

class Platform {
public:
    Platform() = default;
    virtual ~Platform() = default;
    Platform(const Platform&) = delete;
    Platform& operator=(const Platform&) = delete;

    // "telegram": the platform of its core::Inbound and outbox rows, the
    // `transport` label of its metrics, the prefix of its log events.
    virtual std::string_view Name() const = 0;

    // One sentence for serve's and doctor's --help: which settings turn it on
    // and where its secrets come from (environment variables, files).
    virtual std::string Help() const = 0;

    // Its options; called once, before parsing. The pointers stay valid for
    // the object's life.
    virtual std::vector<Setting> Settings() = 0;

    // Reads what Settings() cannot (secrets from the environment or files),
    // hands each secret to `secrets`, checks the settings together. Returns
    // whether the platform is on ("on when its settings are present").
    // Throws std::invalid_argument naming the setting and the fix.
    virtual bool Configure(const SecretSink& secrets) = 0;

    // Builds its clients and sender and starts its background loops (pollers,
    // answer queues), which hand updates to host.intake. Throws for what stops
    // serve from starting.
    virtual void Start(const PlatformHost& host) = 0;

    // After Start(). Paths must not clash with another platform's or with
    // /healthz, /readyz, /metrics (the runtime refuses to start).
    virtual std::vector<Route> Routes() = 0;
    // The paths Routes() serves, known once Configure() answered on or
    // Doctor() ran (doctor checks them against each other before anything
    // starts); empty when the platform is off or serves no route (polling).
    virtual std::vector<std::string> WebhookPaths() const { return {}; }
    // Delivers this platform's outbox rows; valid from Start() to destruction.
    virtual core::OutboxSender& Sender() = 0;
    virtual Pacing GetPacing() const = 0;
    // For serve's start-up log line: "webhook", "polling", …
    virtual std::string Mode() const = 0;
    // The most buttons one of its messages can carry (WhatsApp: 10 rows of a
    // list); the flows page their lists to it (core::Business::max_choices).
    // 0: no limit that the flows' pages could reach.
    virtual std::size_t MaxChoices() const { return 0; }

    // Stops its background loops within `grace`. Returns false when one could
    // not stop in time (e.g. blocked in a long poll); it holds nothing
    // uncommitted, so the runtime may then end the process.
    virtual bool Stop(std::chrono::milliseconds grace) = 0;

    // `bookbot doctor`: Configure()s itself (a bad setting is a failed check,
    // an absent platform a skipped one) and checks what serve would need (the
    // token works, the webhook state fits the mode). Only looks, never
    // changes anything; never throws.
    virtual std::vector<CheckResult> Doctor(const SecretSink& secrets,
                                            const core::Clock& clock) = 0;
};

}  // namespace bookbot::transports
