#pragma once

#include <string>
#include <string_view>

namespace bookbot::backends {

// A parsed database URL: the one switch between backends.
//   sqlite:///abs/path.db      absolute path
//   sqlite://relative/path.db  relative to the working directory
//   sqlite://x.db?synchronous=normal   opt out of fsync on every commit: faster,
//                              but a power cut may take back the last commits
//                              (default synchronous=full: durable on commit)
//   postgres://user:pass@host:port/db?opts   (also postgresql://), as libpq takes it
class DatabaseUrl {
public:
    enum class Backend { kSqlite, kPostgres };
    // SQLite's PRAGMA synchronous: kFull (the default) syncs every commit to
    // the disk before it returns; kNormal (only if the URL asks for it) may
    // lose the last commits on power loss, never consistency.
    enum class Synchronous { kFull, kNormal };

    // Throws core::StorageError kInvalid naming what is wrong (password masked),
    // also for a SQLite option other than synchronous=full|normal.
    static DatabaseUrl Parse(std::string_view url);

    Backend backend() const { return backend_; }
    // SQLite: the file path. PostgreSQL: the URL as libpq takes it.
    const std::string& target() const { return target_; }
    // SQLite only: from the URL's `synchronous` option (full or normal).
    Synchronous synchronous() const { return synchronous_; }
    // The URL with any password replaced by "***": the only form to log.
    const std::string& redacted() const { return redacted_; }

private:
    Backend backend_ = Backend::kSqlite;
    std::string target_;
    std::string redacted_;
    Synchronous synchronous_ = Synchronous::kFull;
};

// `url` with the password of its user-info and any `password=` option masked.
std::string RedactUrl(std::string_view url);

}  // namespace bookbot::backends
