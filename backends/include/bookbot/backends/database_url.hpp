#pragma once

#include <string>
#include <string_view>

namespace bookbot::backends {

// A parsed database URL: the one switch between backends.
//   sqlite:///abs/path.db      absolute path
//   sqlite://relative/path.db  relative to the working directory
//   postgres://user:pass@host:port/db?opts   (also postgresql://), as libpq takes it
class DatabaseUrl {
public:
    enum class Backend { kSqlite, kPostgres };

    // Throws core::StorageError kInvalid naming what is wrong (password masked).
    static DatabaseUrl Parse(std::string_view url);

    Backend backend() const { return backend_; }
    // SQLite: the file path. PostgreSQL: the URL as libpq takes it.
    const std::string& target() const { return target_; }
    // The URL with any password replaced by "***": the only form to log.
    const std::string& redacted() const { return redacted_; }

private:
    Backend backend_ = Backend::kSqlite;
    std::string target_;
    std::string redacted_;
};

// `url` with the password of its user-info and any `password=` option masked.
std::string RedactUrl(std::string_view url);

}  // namespace bookbot::backends
