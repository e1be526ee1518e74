#include "copy_command.hpp"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "bookbot/backends/open_store.hpp"
#include "bookbot/core/clock.hpp"
#include "store_copy.hpp"
#include "table_output.hpp"

namespace bookbot::app {
namespace {

using core::StorageError;
using Steady = std::chrono::steady_clock;

// Test-only: after this many committed batches the process kills itself with
// SIGKILL, as a crash or `kill -9` would, so a test can interrupt a copy at a
// known point without sleeping.
constexpr const char* kKillAfterBatchesEnv = "BOOKBOT_TEST_COPY_KILL_AFTER_BATCHES";

double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

std::int64_t PerSecond(std::int64_t rows, Steady::duration d) {
    const double s = Seconds(d);
    return s > 0 ? static_cast<std::int64_t>(static_cast<double>(rows) / s) : rows;
}

// Progress on stderr: one line redrawn in place on a terminal, plain log
// lines (one per table, and every few seconds within a long one) otherwise.
class ProgressReporter final : public CopyObserver {
public:
    ProgressReporter(std::size_t tables, bool terminal)
        : tables_(tables), terminal_(terminal), start_(Steady::now()), last_shown_(start_) {
        if (const char* kill = std::getenv(kKillAfterBatchesEnv)) {
            kill_after_ = std::atoll(kill);
        }
    }

    void TableStarted(const core::TableSpec& table, std::int64_t source_rows) override {
        table_ = table.name;
        table_total_ = source_rows;
        table_read_ = 0;
        Show(true);
    }

    void BatchCommitted(const core::TableSpec&, std::int64_t read, std::int64_t) override {
        rows_ += read;
        table_read_ += read;
        ++batches_;
        Show(false);
        if (kill_after_ > 0 && batches_ >= kill_after_) {
            std::fprintf(stderr, "copy: %s reached, killing myself\n", kKillAfterBatchesEnv);
            std::fflush(stderr);
            std::raise(SIGKILL);
        }
    }

    void TableDone(const core::TableSpec& table, bool skipped) override {
        ++tables_done_;
        if (!terminal_) {
            std::fprintf(stderr, "copy: %s %s (%zu/%zu tables, %lld rows, %lld rows/s)\n",
                         table.name.c_str(),
                         skipped ? "already complete, skipped"
                                 : ("done, " + std::to_string(table_read_) + " rows").c_str(),
                         tables_done_, tables_, static_cast<long long>(rows_),
                         static_cast<long long>(Rate()));
        }
    }

    void Finish() {
        if (terminal_) {
            Draw();
            std::fputc('\n', stderr);
        }
    }

    std::int64_t rows() const { return rows_; }
    std::int64_t Rate() const { return PerSecond(rows_, Steady::now() - start_); }

private:
    void Show(bool force) {
        const auto now = Steady::now();
        const auto every = terminal_ ? std::chrono::milliseconds(100) : std::chrono::seconds(5);
        if (!force && now - last_shown_ < every) return;
        last_shown_ = now;
        if (terminal_) {
            Draw();
        } else if (!force) {
            std::fprintf(stderr, "copy: %s %lld/%lld rows (%lld rows/s)\n", table_.c_str(),
                         static_cast<long long>(table_read_), static_cast<long long>(table_total_),
                         static_cast<long long>(Rate()));
        }
    }

    void Draw() const {
        std::fprintf(stderr, "\r\033[Kcopy: %lld rows, %zu/%zu tables, %lld rows/s · %s %lld/%lld",
                     static_cast<long long>(rows_), tables_done_, tables_,
                     static_cast<long long>(Rate()), table_.c_str(),
                     static_cast<long long>(table_read_), static_cast<long long>(table_total_));
        std::fflush(stderr);
    }

    const std::size_t tables_;
    const bool terminal_;
    const Steady::time_point start_;
    Steady::time_point last_shown_;
    std::int64_t kill_after_ = 0;
    std::string table_;
    std::int64_t table_total_ = 0;
    std::int64_t table_read_ = 0;
    std::int64_t rows_ = 0;
    std::int64_t batches_ = 0;
    std::size_t tables_done_ = 0;
};

[[noreturn]] void Refuse(const std::string& why,
                         StorageError::Kind kind = StorageError::Kind::kSchema) {
    throw StorageError(kind, "copy refused, nothing written: " + why);
}

// The source must be exactly at this binary's schema: the copy never writes it.
void CheckSource(core::Store& source) {
    const core::MigrationStatus status = source.GetMigrationStatus();
    if (std::string problem = status.Problem(); !problem.empty()) {
        Refuse("source " + source.RedactedUrl() + ": " + problem);
    }
    if (!status.UpToDate()) {
        Refuse("the source " + source.RedactedUrl() + " is at schema version " +
               std::to_string(status.Current()) + ", this bookbot's is " +
               std::to_string(status.LatestKnown()) + ": run `bookbot migrate` on it first");
    }
}

// The target must have no schema yet (it is migrated here), or exactly the
// source's; and no data unless resuming.
void CheckTarget(core::Store& target, bool resume) {
    const core::MigrationStatus status = target.GetMigrationStatus();
    if (std::string problem = status.Problem(); !problem.empty()) {
        Refuse("target " + target.RedactedUrl() + ": " + problem);
    }
    if (status.Current() == 0) return;
    if (!status.UpToDate()) {
        Refuse("the target " + target.RedactedUrl() + " is at schema version " +
               std::to_string(status.Current()) + ", the source at " +
               std::to_string(status.LatestKnown()) + ": copy into an empty database");
    }
    if (resume) return;
    for (const core::TableSpec& table : target.DataTables()) {
        std::int64_t rows = 0;
        target.Read([&](core::UnitOfWork& unit) { rows = unit.CountRows(table.name); });
        if (rows > 0) {
            Refuse("the target " + target.RedactedUrl() + " is not empty (" + std::to_string(rows) +
                       " rows in " + table.name +
                       "): copy into an empty database, or pass --resume to finish an interrupted "
                       "copy into it",
                   StorageError::Kind::kInvalid);
        }
    }
}

// Applied migrations, version and checksum, must be the same on both sides.
void CheckSameSchema(core::Store& source, core::Store& target) {
    const auto applied = [](core::Store& store) {
        std::vector<std::pair<int, std::string>> list;
        for (const auto& m : store.GetMigrationStatus().migrations) {
            if (m.applied_at) list.emplace_back(m.version, m.checksum);
        }
        return list;
    };
    if (applied(source) != applied(target)) {
        Refuse("the source and target record different schema migrations");
    }
}

void PrintSummary(const std::vector<TableCheck>& checks) {
    TextTable table{
        {"TABLE", "SOURCE ROWS", "TARGET ROWS", "SOURCE SHA-256", "TARGET SHA-256", "RESULT"},
        {},
        {1, 2}};
    for (const TableCheck& c : checks) {
        table.rows.push_back({c.table, std::to_string(c.source.rows), std::to_string(c.target.rows),
                              c.source.sha256.substr(0, 16), c.target.sha256.substr(0, 16),
                              c.Matches() ? "ok" : "MISMATCH"});
    }
    PrintTable(table, stdout);
}

struct CopyArgs {
    std::string from;
    std::string to;
    bool resume = false;
    std::int64_t batch = 1000;
};

void RunCopy(const CopyArgs& args) {
    auto source = backends::OpenStore(args.from);
    CheckSource(*source);
    auto target = backends::OpenStore(args.to);
    CheckTarget(*target, args.resume);
    target->Migrate(core::SystemClock().Now());
    CheckSameSchema(*source, *target);

    std::fprintf(stderr, "copy: %s → %s%s\n", source->RedactedUrl().c_str(),
                 target->RedactedUrl().c_str(), args.resume ? " (resuming)" : "");
    ProgressReporter progress(source->DataTables().size(), IsTerminal(stderr));
    const auto copy_start = Steady::now();
    CopyTables(*source, *target, {args.batch, args.resume}, progress);
    const auto copy_time = Steady::now() - copy_start;
    progress.Finish();

    const auto verify_start = Steady::now();
    const std::vector<TableCheck> checks = VerifyTables(*source, *target, args.batch);
    PrintSummary(checks);
    std::printf("copied %lld rows in %.2f s (%lld rows/s); verified in %.2f s\n",
                static_cast<long long>(progress.rows()), Seconds(copy_time),
                static_cast<long long>(PerSecond(progress.rows(), copy_time)),
                Seconds(Steady::now() - verify_start));
    std::int64_t mismatches = 0;
    for (const TableCheck& c : checks) mismatches += c.Matches() ? 0 : 1;
    if (mismatches > 0) {
        throw StorageError(StorageError::Kind::kInternal,
                           "verification failed: " + std::to_string(mismatches) +
                               " table(s) differ between source and target (was the source "
                               "written during the copy?)");
    }
    std::printf("verified: target identical to source\n");
}

}  // namespace

void AddCopyCommand(CLI::App& app) {
    auto args = std::make_shared<CopyArgs>();
    CLI::App* copy = app.add_subcommand(
        "copy",
        "Copy everything (sessions, history, flags, bookings, outbox, dedupe, transport state) "
        "from one database to another, in either direction between SQLite and PostgreSQL. The "
        "target gets the schema first and must be empty (or, with --resume, hold an "
        "interrupted copy); both must be at the same schema version. Ends by comparing row "
        "counts and checksums of every table; exits 1 if they differ. Stop the bot first: "
        "rows written during the copy make the check fail.");
    copy->add_option("--from", args->from, "Database URL to copy from (only read)")->required();
    copy->add_option("--to", args->to, "Database URL to copy into")->required();
    copy->add_flag("--resume", args->resume,
                   "Continue an interrupted copy into a non-empty target (rows already copied are "
                   "kept, never duplicated)");
    copy->add_option("--batch", args->batch, "Rows per transaction")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{100000}));
    copy->callback([args] { RunCopy(*args); });
}

}  // namespace bookbot::app
