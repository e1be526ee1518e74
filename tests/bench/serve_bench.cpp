#include "serve_bench.hpp"

#include <csignal>
#include <memory>
#include <optional>
#include <stdexcept>

#include "business_config.hpp"
#include "child_process.hpp"
#include "database_choice.hpp"
#include "flow_script.hpp"
#include "proc_stats.hpp"
#include "report.hpp"

namespace bookbot::bench {
namespace {

using namespace std::chrono_literals;

constexpr const char* kToken = "123456:ABC-bench-token";
constexpr const char* kSecret = "bench-secret_0123456789";

std::string Describe(const std::string& db_url, int chats, int concurrency) {
    return "serve · " + BackendName(db_url) + " · " + std::to_string(chats) + " chats · " +
           std::to_string(concurrency) + " webhook connections";
}

std::vector<Figure> ServeFigures(const ServeRun& r, bool resource_targets, bool latency_target) {
    const DriveResult& d = r.drive;
    const double updates = static_cast<double>(std::max<std::int64_t>(1, d.updates));
    std::vector<Figure> figures = {
        {"updates/s", static_cast<double>(d.updates) / d.seconds, "1/s", {}},
        {"webhook latency p50", Percentile(d.webhook_ms, 50), "ms", {}},
        {"webhook latency p99", Percentile(d.webhook_ms, 99), "ms", {}},
        {"reply latency p50", Percentile(d.reply_ms, 50), "ms", {}},
        {"reply latency p99", Percentile(d.reply_ms, 99), "ms", {}},
        {"bookbot CPU per update", r.cpu_ms / updates, "ms", {}},
        {"idle RSS", r.idle_rss_mib, "MiB", {}},
        {"peak RSS", r.peak_rss_mib, "MiB", {}},
        {"completed flows", 100.0 * d.completed / d.chats, "%", Target{100, false}},
        {"updates delivered again", static_cast<double>(d.rejected + d.errors), "", {}},
        {"bookbot context switches/update", r.switches / updates, "", {}},
    };
    if (latency_target) figures[2].target = Target{10, true};
    if (resource_targets) {
        figures[5].target = Target{0.05, true};
        figures[6].target = Target{8, true};
        figures[7].target = Target{32, true};
    }
    return figures;
}

}  // namespace

ServeRun RunServe(const std::string& db_url, const std::filesystem::path& config, int chats,
                  int concurrency, const BenchOptions& options) {
    // Ids no earlier run on a given --db used: the bot would drop repeats.
    const std::int64_t first_chat_id = FreshIdBase();
    testing::FakeBotApi api(kToken, 8);
    testing::ChildProcess bot(
        {BOOKBOT_BINARY, "serve", "--db", db_url, "--config", config.string(), "--listen",
         "127.0.0.1:0", "--telegram", "webhook", "--telegram-api", api.BaseUrl(), "--send-rate",
         "0", "--chat-rate", "0"},
        {{"TELEGRAM_BOT_TOKEN", kToken}, {"TELEGRAM_WEBHOOK_SECRET", kSecret}});
    const auto listening = bot.WaitForLine("serve.listening", 30s);
    if (!listening) throw std::runtime_error("bookbot serve did not start:\n" + bot.Output());

    transports::http::ClientOptions client_options;
    client_options.max_idle_connections = static_cast<std::size_t>(concurrency);
    client_options.headers = {{"X-Telegram-Bot-Api-Secret-Token", kSecret}};
    transports::http::Client client(
        "http://127.0.0.1:" + std::to_string(testing::ListeningPort(*listening)), client_options);
    if (client.Get("/healthz").status != 200) throw std::runtime_error("bookbot is not healthy");

    ServeRun run;
    run.idle_rss_mib = StatusMiB(bot.Pid(), "VmRSS");
    const double cpu_before = CpuMillis(bot.Pid());
    const double switches_before = ContextSwitches(bot.Pid());
    DriverOptions d;
    d.chats = chats;
    d.concurrency = concurrency;
    d.seed = options.seed;
    d.first_chat_id = first_chat_id;
    d.timeout = std::chrono::seconds(options.timeout_seconds);
    run.drive = DriveWebhook(client, api, d);
    run.cpu_ms = CpuMillis(bot.Pid()) - cpu_before;
    run.switches = ContextSwitches(bot.Pid()) - switches_before;
    run.peak_rss_mib = StatusMiB(bot.Pid(), "VmHWM");

    bot.Signal(SIGTERM);
    if (bot.Wait() != 0) throw std::runtime_error("bookbot serve failed:\n" + bot.Output());
    return run;
}

bool ServeMode(const BenchOptions& options, const std::filesystem::path& work_dir) {
    const auto config = WriteBenchBusiness(work_dir);
    bool complete = true;
    {
        const auto db = ChooseDatabase(options);
        const ServeRun main =
            RunServe(db->Url(), config, options.chats, options.concurrency, options);
        PrintFigures(Describe(db->Url(), options.chats, options.concurrency),
                     ServeFigures(main, true, options.chats == 64 && options.concurrency >= 64));
        complete = main.drive.completed == main.drive.chats;
    }
    if (options.also_64 && options.chats != 64) {
        const auto db = ChooseDatabase(options);
        const ServeRun at64 = RunServe(db->Url(), config, 64, 64, options);
        PrintFigures(Describe(db->Url(), 64, 64), ServeFigures(at64, false, true));
        complete = complete && at64.drive.completed == at64.drive.chats;
    }
    return complete;
}

}  // namespace bookbot::bench
