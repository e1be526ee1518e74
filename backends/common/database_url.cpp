#include "bookbot/backends/database_url.hpp"

#include <algorithm>
#include <regex>
#include <string>

#include "bookbot/core/storage_error.hpp"

namespace bookbot::backends {
namespace {

using core::StorageError;

constexpr std::string_view kHelp =
    "use sqlite:///absolute/path.db, sqlite://relative/path.db or "
    "postgres://user:password@host:port/database";

[[noreturn]] void Invalid(const std::string& what, std::string_view url) {
    throw StorageError(StorageError::Kind::kInvalid,
                       what + " in database URL '" + RedactUrl(url) + "': " + std::string(kHelp));
}

bool StartsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

DatabaseUrl::Backend PostgresChecked(std::string_view url, std::string_view rest) {
    // rest: [user[:password]@]host[:port][/database][?options]
    static const std::regex kShape(
        R"(^(([^@/?]*)@)?(\[[0-9A-Fa-f:.]+\]|[^:/?@]*)(:([^/?]*))?(/[^?]*)?(\?.*)?$)");
    std::cmatch m;
    if (!std::regex_match(rest.data(), rest.data() + rest.size(), m, kShape)) {
        Invalid("malformed PostgreSQL address", url);
    }
    const std::string port = m[5].str();
    if (m[4].matched) {
        if (port.empty() || port.size() > 5 ||
            port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) == 0 ||
            std::stoi(port) > 65535) {
            Invalid("port '" + port + "' is not a number from 1 to 65535", url);
        }
    }
    return DatabaseUrl::Backend::kPostgres;
}

// The options of a sqlite:// URL: `synchronous=full|normal` and nothing
// else, so a misspelt option is an error rather than silently ignored.
DatabaseUrl::Synchronous SqliteSynchronous(std::string_view url, std::string_view query) {
    DatabaseUrl::Synchronous mode = DatabaseUrl::Synchronous::kFull;
    while (!query.empty()) {
        const std::size_t amp = std::min(query.find('&'), query.size());
        const std::string_view option = query.substr(0, amp);
        query.remove_prefix(std::min(amp + 1, query.size()));
        if (option == "synchronous=full") {
            mode = DatabaseUrl::Synchronous::kFull;
        } else if (option == "synchronous=normal") {
            mode = DatabaseUrl::Synchronous::kNormal;
        } else {
            throw StorageError(StorageError::Kind::kInvalid,
                               "unknown option '" + std::string(option) + "' in database URL '" +
                                   RedactUrl(url) +
                                   "': SQLite takes only synchronous=full (the default) or "
                                   "synchronous=normal");
        }
    }
    return mode;
}

}  // namespace

std::string RedactUrl(std::string_view url) {
    std::string out(url);
    // user:password@  →  user:***@
    if (auto scheme = out.find("://"); scheme != std::string::npos) {
        const auto start = scheme + 3;
        const auto at = out.find('@', start);
        const auto slash = out.find('/', start);
        if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
            const auto colon = out.find(':', start);
            if (colon != std::string::npos && colon < at) {
                out.replace(colon + 1, at - colon - 1, "***");
            }
        }
    }
    // ?password=secret or &password=secret
    static const std::regex kPasswordOption(R"(([?&]password=)[^&]*)");
    return std::regex_replace(out, kPasswordOption, "$1***");
}

DatabaseUrl DatabaseUrl::Parse(std::string_view url) {
    DatabaseUrl parsed;
    parsed.redacted_ = RedactUrl(url);
    if (url.empty()) Invalid("empty URL", url);
    if (StartsWith(url, "sqlite://")) {
        std::string path(url.substr(9));
        if (const auto query = path.find('?'); query != std::string::npos) {
            parsed.synchronous_ = SqliteSynchronous(url, path.substr(query + 1));
            path.resize(query);
        }
        if (path.empty() || path == "/") Invalid("no file path", url);
        if (path.back() == '/') Invalid("the path names a directory, not a file", url);
        parsed.backend_ = Backend::kSqlite;
        parsed.target_ = std::move(path);
        return parsed;
    }
    for (std::string_view scheme : {"postgres://", "postgresql://"}) {
        if (!StartsWith(url, scheme)) continue;
        parsed.backend_ = PostgresChecked(url, url.substr(scheme.size()));
        parsed.target_ = std::string(url);
        return parsed;
    }
    const auto colon = url.find(':');
    if (colon == std::string_view::npos) Invalid("no scheme", url);
    Invalid("unknown scheme '" + std::string(url.substr(0, colon)) + "'", url);
}

}  // namespace bookbot::backends
