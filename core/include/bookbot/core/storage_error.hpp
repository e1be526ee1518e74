#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace bookbot::core {

// The one error type that crosses the store boundary. Backends translate every
// driver exception into it, in one place each; callers decide by kind.
class StorageError : public std::runtime_error {
public:
    enum class Kind {
        kUnavailable,  // cannot reach / lost the database, or it is busy: retry later
        kConflict,     // lost a race (stale version, serialization failure): retry the unit
        kSchema,       // schema missing, behind, newer than this binary, or tampered with
        kInvalid,      // the request itself is wrong (bad URL, bad value): do not retry
        kInternal,     // anything else: a bug or an unexpected database state
    };

    StorageError(Kind kind, const std::string& message)
        : std::runtime_error(message), kind_(kind) {}

    Kind kind() const noexcept { return kind_; }

    // True for kinds where running the same unit of work again may succeed.
    bool retryable() const noexcept {
        return kind_ == Kind::kUnavailable || kind_ == Kind::kConflict;
    }

private:
    Kind kind_;
};

// "unavailable", "conflict", … — for log lines and CLI messages.
std::string_view KindName(StorageError::Kind kind) noexcept;

}  // namespace bookbot::core
