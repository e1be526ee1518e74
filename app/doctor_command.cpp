#include "doctor_command.hpp"

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "doctor_checks.hpp"
#include "logging.hpp"

namespace bookbot::app {
namespace {

// "OK   check: detail", "FAIL check: problem — fix: what to do", "SKIP check: why".
std::string FormatLine(const CheckResult& result) {
    static constexpr const char* kLabels[] = {"OK  ", "FAIL", "SKIP"};
    std::string line = std::string(kLabels[static_cast<int>(result.status)]) + " " + result.check +
                       ": " + result.detail;
    if (result.status == CheckResult::Status::kFail) line += " — fix: " + result.fix;
    return line;
}

std::string FormatJson(const std::vector<CheckResult>& results) {
    nlohmann::json array = nlohmann::json::array();
    for (const CheckResult& r : results) {
        nlohmann::json item = {
            {"check", r.check}, {"status", StatusName(r.status)}, {"detail", r.detail}};
        if (r.status == CheckResult::Status::kFail) item["fix"] = r.fix;
        array.push_back(std::move(item));
    }
    return array.dump(2);
}

struct DoctorCommand {
    DoctorOptions options;
    Platforms platforms = MakePlatforms();
};

void RunDoctor(const DoctorOptions& options, Platforms& platforms) {
    const std::vector<CheckResult> results = RunDoctorChecks(options, platforms);
    // Checks never print a secret; Redact masks any that slipped into a
    // message from elsewhere (the token, the webhook secret).
    if (options.json) {
        std::printf("%s\n", Redact(FormatJson(results)).c_str());
    } else {
        for (const CheckResult& r : results) std::printf("%s\n", Redact(FormatLine(r)).c_str());
    }
    std::fflush(stdout);
    int failed = 0;
    for (const CheckResult& r : results) failed += r.status == CheckResult::Status::kFail ? 1 : 0;
    if (failed > 0) {
        throw std::runtime_error("doctor: " + std::to_string(failed) + " of " +
                                 std::to_string(results.size()) + " checks failed");
    }
}

}  // namespace

void AddDoctorCommand(CLI::App& app) {
    auto command = std::make_shared<DoctorCommand>();
    DoctorOptions* o = &command->options;
    CLI::App* doctor = app.add_subcommand(
        "doctor",
        "Check the deployment with the settings `serve` would use (the same options): "
        "configuration, time zone, database URL, SQLite directory (writable, local disk), "
        "database reachable, schema current, listen port free, and each platform (Telegram: "
        "token (getMe) and webhook state). Prints one line per check (OK, FAIL with the fix, or "
        "SKIP); exits 1 if any check failed. Changes nothing." +
            PlatformsHelp(command->platforms));
    AddDatabaseOption(*doctor, o->db);
    AddConfigOption(*doctor, o->config);
    doctor->add_option("--listen", o->listen, "The HTTP listen address HOST:PORT to try to bind")
        ->envname("BOOKBOT_LISTEN")
        ->capture_default_str();
    doctor
        ->add_option("--whatsapp-reminder-template", o->whatsapp_reminder_template,
                     "WhatsApp's approved template for reminders, as for serve")
        ->envname("BOOKBOT_WHATSAPP_REMINDER_TEMPLATE");
    AddPlatformSettings(*doctor, command->platforms);
    doctor->add_flag("--json", o->json, "Print the results as a JSON array instead");
    doctor->callback([command] { RunDoctor(command->options, command->platforms); });
}

}  // namespace bookbot::app
