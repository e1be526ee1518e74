#pragma once

// How the admin commands print: aligned tables for people, JSON for programs.

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "bookbot/core/clock.hpp"

namespace bookbot::app {

// True when `stream` is a terminal.
bool IsTerminal(std::FILE* stream);

struct TextTable {
    std::vector<std::string> headers;
    std::vector<std::vector<std::string>> rows;
    std::set<std::size_t> right_aligned;  // column indexes (numbers)
};

// Columns aligned by characters (UTF-8), two spaces apart. Control characters
// in cells are shown escaped ("\n"), so a row stays one line; on a terminal,
// cells wider than a screen's third are cut short with "…".
void PrintTable(const TextTable& table, std::FILE* out);

// Pretty JSON and a newline.
void PrintJson(const nlohmann::json& value, std::FILE* out);

// "2026-03-01T12:00:00.000Z".
std::string FormatIsoUtc(core::TimePoint t);

// 64-bit ids as JSON strings: many JSON readers (JavaScript, jq) keep numbers
// as doubles, which cannot hold ids above 2^53 exactly.
inline nlohmann::json JsonId(std::int64_t id) { return std::to_string(id); }

}  // namespace bookbot::app
