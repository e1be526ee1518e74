#include "doctor_checks.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>

#include "bookbot/backends/database_url.hpp"
#include "bookbot/backends/open_store.hpp"
#include "bookbot/core/schedule.hpp"
#include "bookbot/core/storage_error.hpp"
#include "cli_support.hpp"
#include "config.hpp"
#include "logging.hpp"
#include "serve_runtime.hpp"

namespace bookbot::app {
namespace {

namespace fs = std::filesystem;
using Status = CheckResult::Status;
using DatabaseUrl = backends::DatabaseUrl;

constexpr auto* Ok = &CheckResult::Ok;
constexpr auto* Fail = &CheckResult::Fail;
constexpr auto* Skip = &CheckResult::Skip;

std::string ErrnoText(int error) { return std::strerror(error); }

// What the checks learn that later checks need.
struct Findings {
    std::string url_text;  // as given: it may hold a password, never print it
    std::optional<core::Business> business;
    std::optional<DatabaseUrl> url;
    // SQLite: the directory the file is (or will be) in, once found usable.
    std::optional<fs::path> sqlite_directory;
    bool sqlite_file_missing = false;
    std::unique_ptr<core::Store> store;
};

// --- configuration ------------------------------------------------------------

CheckResult CheckConfiguration(const std::optional<std::string>& path, Findings& found) {
    const char* kCheck = "configuration";
    try {
        found.business = LoadBusinessOrDemo(path);
    } catch (const std::exception& e) {
        return Fail(kCheck, e.what(),
                    "correct what the message names (packaging/bookbot.toml documents every "
                    "key), or point --config / BOOKBOT_CONFIG at the right file");
    }
    const std::string services = std::to_string(found.business->services.size()) + " service(s)";
    if (!path) {
        return Ok(kCheck, "demo business \"" + found.business->name + "\", " + services +
                              " (no --config / BOOKBOT_CONFIG)");
    }
    return Ok(kCheck, *path + ": \"" + found.business->name + "\", " + services);
}

CheckResult CheckTimeZone(const Findings& found) {
    const char* kCheck = "time zone";
    if (!found.business) return Skip(kCheck, "no valid configuration to take the zone from");
    const std::string& zone = found.business->rules.time_zone;
    try {
        const core::LocalDate today = core::LocalDateAt(zone, core::SystemClock().Now());
        return Ok(kCheck, zone + " (today there: " + today.ToString() + ")");
    } catch (const std::exception&) {
        return Fail(kCheck, "'" + zone + "' is not in the time-zone database",
                    "use an IANA zone name such as Europe/Berlin in business.time_zone or "
                    "BOOKBOT_TIME_ZONE, and check that the tzdata package is installed");
    }
}

// Reminders: the lead times, and whether WhatsApp can get them (only as an
// approved template, outside its 24-hour window). Informational: never fails.
CheckResult CheckReminders(const Findings& found, const std::string& whatsapp_template,
                           const Platforms& platforms) {
    const char* kCheck = "reminders";
    if (!found.business) return Skip(kCheck, "no valid configuration to take them from");
    const core::Business& business = *found.business;
    if (business.reminder_leads.empty()) return Ok(kCheck, "off ([reminders] lead_hours = [])");
    std::string detail;
    for (const auto lead : business.reminder_leads) {
        detail += (detail.empty() ? "" : ", ") + std::to_string(lead.count()) + " h";
    }
    detail += " before each booking";
    const bool has_whatsapp =
        std::any_of(platforms.begin(), platforms.end(),
                    [](const auto& platform) { return platform->Name() == "whatsapp"; });
    if (has_whatsapp) {
        if (whatsapp_template.empty() && !business.reminder_templates.contains("whatsapp")) {
            detail +=
                "; off on WhatsApp: no approved template (set --whatsapp-reminder-template or "
                "[reminders] whatsapp_template)";
        } else {
            detail += "; WhatsApp as template '" +
                      (whatsapp_template.empty() ? business.reminder_templates.at("whatsapp").name
                                                 : whatsapp_template) +
                      "'";
        }
    }
    return Ok(kCheck, detail);
}

// Staff chats: configured ([staff] or the environment) or enrolled in the
// database. None is not an error, but then hand-offs reach nobody.
CheckResult CheckStaffChats(const Findings& found) {
    const char* kCheck = "staff chats";
    if (!found.business) return Skip(kCheck, "no valid configuration");
    std::size_t count = 0;
    for (const auto& [platform, ids] : found.business->staff.chats) count += ids.size();
    if (found.store) {
        try {
            count +=
                found.store->Read([](core::UnitOfWork& u) { return u.ListStaffChats().size(); });
        } catch (const core::StorageError&) {  // reported by the schema and database checks
        }
    }
    if (count == 0) {
        return Skip(kCheck,
                    "no staff chat is configured or enrolled: nobody will see hand-offs to a "
                    "person or booking notifications (set [staff] telegram_chat_ids, or run "
                    "`bookbot staff link`)");
    }
    return Ok(kCheck, std::to_string(count) + " staff chat(s)");
}

// --- database -----------------------------------------------------------------

CheckResult CheckDatabaseUrl(const std::string& url, Findings& found) {
    const char* kCheck = "database url";
    found.url_text = url.empty() ? kDefaultDatabaseUrl : url;
    try {
        found.url = DatabaseUrl::Parse(found.url_text);
    } catch (const std::exception& e) {
        return Fail(kCheck, e.what(),
                    "pass --db / BOOKBOT_DATABASE_URL as sqlite:///abs/path.db, "
                    "sqlite://relative/path.db or postgres://user:password@host:port/database");
    }
    const bool sqlite = found.url->backend() == DatabaseUrl::Backend::kSqlite;
    return Ok(kCheck, found.url->redacted() + (sqlite ? " (sqlite)" : " (postgres)"));
}

// The directory the SQLite file lives in.
fs::path SqliteDirectory(const DatabaseUrl& url) {
    const fs::path directory = fs::path(url.target()).parent_path();
    return directory.empty() ? fs::path(".") : directory;
}

// SQLite creates the -wal and -shm files beside the database, so the
// directory must take new files, and the file itself must be writable.
CheckResult CheckSqliteDirectory(Findings& found) {
    const char* kCheck = "sqlite directory";
    if (!found.url) return Skip(kCheck, "no valid database URL");
    if (found.url->backend() != DatabaseUrl::Backend::kSqlite) return Skip(kCheck, "not SQLite");
    fs::path directory = SqliteDirectory(*found.url);
    std::error_code error;
    std::string note;
    if (found.url_text == kDefaultDatabaseUrl && !fs::exists(directory, error)) {
        // Commands create ./data for the default URL on first use.
        note = " ('" + directory.string() + "' will be created there)";
        directory = ".";
    }
    if (!fs::is_directory(directory, error)) {
        return Fail(kCheck, "'" + directory.string() + "' does not exist or is not a directory",
                    "create it (mkdir -p " + directory.string() + ") or correct the URL");
    }
    std::string probe = (directory / ".bookbot-doctor-XXXXXX").string();
    const int fd = mkstemp(probe.data());
    if (fd < 0) {
        const int e = errno;
        return Fail(kCheck,
                    "cannot create a file in '" + directory.string() + "': " + ErrnoText(e) +
                        " (SQLite writes its -wal and -shm files there)",
                    "give the user running bookbot (uid " + std::to_string(geteuid()) +
                        ") write access to the directory, or choose another --db");
    }
    close(fd);
    unlink(probe.c_str());
    const std::string& file = found.url->target();
    found.sqlite_file_missing = !fs::exists(file, error);
    if (!found.sqlite_file_missing && access(file.c_str(), R_OK | W_OK) != 0) {
        const int e = errno;
        return Fail(kCheck, "cannot read and write '" + file + "': " + ErrnoText(e),
                    "give the user running bookbot (uid " + std::to_string(geteuid()) +
                        ") read and write access to the file");
    }
    found.sqlite_directory = directory;
    return Ok(kCheck, "'" + directory.string() + "' exists and is writable" + note);
}

// statfs f_type magic numbers (linux/magic.h) of file systems where SQLite's
// WAL mode, which needs shared memory and POSIX locks that work, is unsafe.
const char* NetworkFileSystem(long type) {
    switch (static_cast<unsigned long>(type)) {
        case 0x6969UL:
            return "NFS";
        case 0x517BUL:
            return "SMB";
        case 0xFF534D42UL:
            return "CIFS";
        case 0xFE534D42UL:
            return "SMB2";
        case 0x65735546UL:
            return "FUSE (e.g. sshfs)";
        case 0x01021997UL:
            return "9P (e.g. a host folder shared into a VM or WSL)";
        case 0x00C36400UL:
            return "Ceph";
        case 0x5346414FUL:
            return "AFS";
        case 0x0BD00BD0UL:
            return "Lustre";
        case 0x73757245UL:
            return "Coda";
        case 0x01161970UL:
            return "GFS2";
        case 0x7461636FUL:
            return "OCFS2";
        default:
            return nullptr;
    }
}

CheckResult CheckSqliteFilesystem(const Findings& found) {
    const char* kCheck = "sqlite local disk";
    if (!found.url) return Skip(kCheck, "no valid database URL");
    if (found.url->backend() != DatabaseUrl::Backend::kSqlite) return Skip(kCheck, "not SQLite");
    if (!found.sqlite_directory) return Skip(kCheck, "the directory check failed");
    const std::string directory = found.sqlite_directory->string();
    struct statfs info {};
    if (statfs(directory.c_str(), &info) != 0) {
        const int e = errno;
        return Fail(kCheck,
                    "cannot inspect the file system of '" + directory + "': " + ErrnoText(e),
                    "check that the directory is mounted and readable");
    }
    if (const char* kind = NetworkFileSystem(static_cast<long>(info.f_type))) {
        return Fail(kCheck,
                    "'" + directory + "' is on " + kind +
                        ", a network or user-space file system: SQLite's WAL mode needs a local "
                        "disk (shared memory and working locks), or the database can be corrupted",
                    "put the database on a local disk, or use PostgreSQL for shared storage");
    }
    return Ok(kCheck, "'" + directory + "' is on a local file system");
}

CheckResult CheckDatabaseReachable(Findings& found) {
    const char* kCheck = "database reachable";
    if (!found.url) return Skip(kCheck, "no valid database URL");
    const bool sqlite = found.url->backend() == DatabaseUrl::Backend::kSqlite;
    if (sqlite && !found.sqlite_directory) return Skip(kCheck, "the directory check failed");
    if (sqlite && found.sqlite_file_missing) {
        return Ok(kCheck,
                  "'" + found.url->target() + "' does not exist yet: `bookbot migrate` creates it");
    }
    try {
        backends::StoreOptions options;
        options.pool_size = 1;
        found.store = backends::OpenStore(found.url_text, options);
    } catch (const std::exception& e) {
        return Fail(kCheck, e.what(),
                    sqlite ? "check the file (is it a SQLite database?) and its permissions"
                           : "start the PostgreSQL server, or correct host, port, database, user "
                             "and password in --db / BOOKBOT_DATABASE_URL");
    }
    return Ok(kCheck, found.store->RedactedUrl() + " answers");
}

CheckResult CheckSchema(const Findings& found) {
    const char* kCheck = "schema";
    if (found.sqlite_file_missing && found.sqlite_directory) {
        return Fail(kCheck, "no database yet, so no schema", "run `bookbot migrate`");
    }
    if (!found.store) return Skip(kCheck, "the database is not reachable");
    core::MigrationStatus status;
    try {
        status = found.store->GetMigrationStatus();
    } catch (const std::exception& e) {
        return Fail(kCheck, std::string("cannot read the migration records: ") + e.what(),
                    "check the database; `bookbot migrate status` shows the same");
    }
    const std::string versions = "database at version " + std::to_string(status.Current()) +
                                 ", this binary knows " + std::to_string(status.LatestKnown());
    for (const auto& m : status.migrations) {
        if (m.state == core::MigrationInfo::State::kUnknown) {
            return Fail(kCheck, "the schema is newer than this binary (" + versions + ")",
                        "upgrade bookbot to the version that migrated this database");
        }
    }
    if (const std::string problem = status.Problem(); !problem.empty()) {
        return Fail(kCheck, problem, "reinstall the bookbot version that applied it");
    }
    if (!status.UpToDate()) {
        return Fail(kCheck, "pending migrations (" + versions + ")", "run `bookbot migrate`");
    }
    return Ok(kCheck, "current (version " + std::to_string(status.Current()) + ")");
}

// --- listen port --------------------------------------------------------------

// A socket bound to `address` and closed again when it goes.
class BoundSocket {
public:
    BoundSocket(int family, const sockaddr* address, socklen_t size) {
        fd_ = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            error_ = errno;
            return;
        }
        // As serve's acceptor does: a port left in TIME_WAIT counts as free.
        const int on = 1;
        setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (bind(fd_, address, size) != 0) error_ = errno;
    }
    ~BoundSocket() {
        if (fd_ >= 0) close(fd_);
    }
    BoundSocket(const BoundSocket&) = delete;
    BoundSocket& operator=(const BoundSocket&) = delete;

    int error() const { return error_; }

private:
    int fd_ = -1;
    int error_ = 0;
};

// Binds a throwaway socket to the address; 0 when that worked, else errno.
// Throws std::invalid_argument when the host is not an IP address.
int TryBind(const ListenAddress& address) {
    sockaddr_in v4{};
    sockaddr_in6 v6{};
    if (inet_pton(AF_INET, address.host.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(address.port);
        return BoundSocket(AF_INET, reinterpret_cast<const sockaddr*>(&v4), sizeof v4).error();
    }
    if (inet_pton(AF_INET6, address.host.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(address.port);
        return BoundSocket(AF_INET6, reinterpret_cast<const sockaddr*>(&v6), sizeof v6).error();
    }
    throw std::invalid_argument("'" + address.host +
                                "' is not an IP address (serve listens on an address, not a name)");
}

CheckResult CheckListenPort(const std::string& listen) {
    const char* kCheck = "listen port";
    const std::string fix_address = "choose another --listen / BOOKBOT_LISTEN";
    int error = 0;
    try {
        const ListenAddress address = ParseListen(listen);
        if (address.port == 0) return Ok(kCheck, listen + ": serve will pick a free port");
        error = TryBind(address);
    } catch (const std::invalid_argument& e) {
        return Fail(kCheck, e.what(), "pass --listen as IP:PORT, e.g. 127.0.0.1:8080 or [::]:8080");
    }
    switch (error) {
        case 0:
            return Ok(kCheck, listen + " is free");
        case EADDRINUSE:
            return Fail(kCheck, listen + " is already in use",
                        fix_address + ", or stop what listens there (ss -ltnp shows it)");
        case EACCES:
            return Fail(kCheck, listen + ": binding a port below 1024 needs privileges",
                        fix_address +
                            " with a port of 1024 or above, or grant bookbot "
                            "CAP_NET_BIND_SERVICE");
        case EADDRNOTAVAIL:
            return Fail(kCheck, listen + ": no network interface of this machine has that address",
                        fix_address + ", e.g. 0.0.0.0:PORT (all interfaces) or 127.0.0.1:PORT");
        default:
            return Fail(kCheck, listen + ": cannot bind: " + ErrnoText(error), fix_address);
    }
}

}  // namespace

const char* StatusName(CheckResult::Status status) {
    switch (status) {
        case Status::kOk:
            return "ok";
        case Status::kFail:
            return "fail";
        case Status::kSkip:
            return "skip";
    }
    return "?";
}

namespace {

// The enabled platforms' webhook paths, against each other and serve's own.
CheckResult CheckWebhookPaths(const Platforms& platforms) {
    constexpr const char* kCheck = "webhook paths";
    if (auto clash = FindWebhookPathClash(platforms)) {
        return CheckResult::Fail(kCheck, *clash,
                                 "pass another --webhook-path or --whatsapp-webhook-path");
    }
    std::string paths;
    for (const auto& platform : platforms) {
        for (const std::string& path : platform->WebhookPaths()) {
            paths += (paths.empty() ? "" : ", ") + std::string(platform->Name()) + " " + path;
        }
    }
    if (paths.empty()) return CheckResult::Skip(kCheck, "no platform serves a webhook");
    return CheckResult::Ok(kCheck, paths + "; none clashes with /healthz, /readyz, /metrics");
}

}  // namespace

std::vector<CheckResult> RunDoctorChecks(const DoctorOptions& options, Platforms& platforms) {
    const core::SystemClock clock;
    Findings found;
    std::vector<CheckResult> results;
    results.push_back(CheckConfiguration(options.config, found));
    results.push_back(CheckTimeZone(found));
    results.push_back(CheckReminders(found, options.whatsapp_reminder_template, platforms));
    results.push_back(CheckDatabaseUrl(options.db, found));
    results.push_back(CheckSqliteDirectory(found));
    results.push_back(CheckSqliteFilesystem(found));
    results.push_back(CheckDatabaseReachable(found));
    results.push_back(CheckSchema(found));
    results.push_back(CheckStaffChats(found));
    results.push_back(CheckListenPort(options.listen));
    for (auto& platform : platforms) {
        for (CheckResult& result : platform->Doctor(AddSecret, clock)) {
            results.push_back(std::move(result));
        }
    }
    results.push_back(CheckWebhookPaths(platforms));
    return results;
}

}  // namespace bookbot::app
