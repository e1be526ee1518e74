#include "migrate_command.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>

#include "bookbot/core/clock.hpp"
#include "cli_support.hpp"

namespace bookbot::app {
namespace {

std::string FormatUtc(core::TimePoint t) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
    return buf;
}

void PrintStatus(const core::Store& store, const core::MigrationStatus& status) {
    std::printf("database: %s (%s)\n", store.RedactedUrl().c_str(), store.BackendName().c_str());
    std::printf("%-8s %-28s %-16s %s\n", "VERSION", "NAME", "STATE", "APPLIED AT");
    for (const auto& m : status.migrations) {
        std::printf("%04d     %-28s %-16s %s\n", m.version, m.name.c_str(), core::ToString(m.state),
                    m.applied_at ? FormatUtc(*m.applied_at).c_str() : "-");
    }
    if (std::string problem = status.Problem(); !problem.empty()) {
        std::printf("schema: PROBLEM: %s\n", problem.c_str());
    } else if (status.UpToDate()) {
        std::printf("schema: current (version %d)\n", status.Current());
    } else {
        std::printf("schema: version %d, %d known: run `bookbot migrate`\n", status.Current(),
                    status.LatestKnown());
    }
}

}  // namespace

void AddMigrateCommand(CLI::App& app) {
    auto url = std::make_shared<std::string>();
    CLI::App* migrate = app.add_subcommand(
        "migrate",
        "Apply pending schema migrations, in order, each once, in its own transaction, under a "
        "lock (safe when several instances start together). Refuses a database whose schema is "
        "newer than this binary or whose applied migrations were modified.");
    AddDatabaseOption(*migrate, *url);
    CLI::App* status = migrate->add_subcommand("status", "List applied and pending migrations.");
    AddDatabaseOption(*status, *url);

    migrate->callback([migrate, url] {
        if (migrate->got_subcommand("status")) return;
        auto store = OpenCliStore(*url);
        const auto applied = store->Migrate(core::SystemClock().Now());
        for (const auto& m : applied) {
            std::printf("applied %04d_%s\n", m.version, m.name.c_str());
        }
        if (applied.empty()) std::printf("nothing to apply\n");
        PrintStatus(*store, store->GetMigrationStatus());
    });
    status->callback([url] {
        auto store = OpenCliStore(*url);
        const auto s = store->GetMigrationStatus();
        PrintStatus(*store, s);
        if (!s.Problem().empty())
            throw core::StorageError(core::StorageError::Kind::kSchema, s.Problem());
    });
}

}  // namespace bookbot::app
