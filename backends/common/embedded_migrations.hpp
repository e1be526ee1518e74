#pragma once

#include <span>
#include <string_view>

namespace bookbot::backends {

// A migration file compiled into the binary (generated from migrations/*.sql).
struct EmbeddedMigration {
    int version;
    std::string_view name;
    std::string_view sql;
};

// In version order, consecutive from 1.
std::span<const EmbeddedMigration> EmbeddedMigrations();

}  // namespace bookbot::backends
