#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bookbot/core/clock.hpp"

namespace bookbot::core {

// One schema migration as the binary knows it and/or the database recorded it.
struct MigrationInfo {
    enum class State {
        kApplied,   // known and applied with the same checksum
        kPending,   // known, not applied yet
        kModified,  // applied, but the binary's file now has another checksum
        kUnknown,   // applied by a newer binary: this one does not know it
    };

    int version = 0;
    std::string name;
    std::string checksum;  // SHA-256 of the file, hex
    State state = State::kPending;
    std::optional<TimePoint> applied_at;
};

struct MigrationStatus {
    std::vector<MigrationInfo> migrations;  // by version

    int LatestKnown() const;  // highest version this binary knows
    int Current() const;      // highest version applied to the database (0: none)
    bool UpToDate() const;    // nothing pending, modified or unknown
    // Why the schema is not usable, as one sentence saying what to do; empty if
    // there is nothing wrong beyond pending migrations.
    std::string Problem() const;
};

const char* ToString(MigrationInfo::State state) noexcept;

}  // namespace bookbot::core
