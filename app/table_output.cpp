#include "table_output.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>

namespace bookbot::app {
namespace {

constexpr std::size_t kFallbackWidth = 120;

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Characters, not bytes: a UTF-8 continuation byte does not count.
std::size_t Width(const std::string& text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuationByte(c); }));
}

// `text` with control characters escaped, so that it stays on one line.
std::string OneLine(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += '?';
        } else {
            out += c;
        }
    }
    return out;
}

// The first `width` characters of `text`, ending in "…" if it was longer.
std::string Cut(const std::string& text, std::size_t width) {
    if (Width(text) <= width || width < 2) return text;
    std::size_t chars = 0;
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
        if (!IsContinuationByte(text[i]) && chars++ == width - 1) break;
    }
    return text.substr(0, i) + "…";
}

std::size_t TerminalWidth(std::FILE* out) {
    winsize size{};
    if (ioctl(fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    return kFallbackWidth;
}

}  // namespace

bool IsTerminal(std::FILE* stream) { return isatty(fileno(stream)) != 0; }

void PrintTable(const TextTable& table, std::FILE* out) {
    const bool terminal = IsTerminal(out);
    const std::size_t max_cell = std::max<std::size_t>(TerminalWidth(out) / 3, 16);
    std::vector<std::vector<std::string>> lines;
    lines.push_back(table.headers);
    for (const auto& row : table.rows) {
        auto& line = lines.emplace_back();
        for (const std::string& cell : row) {
            line.push_back(terminal ? Cut(OneLine(cell), max_cell) : OneLine(cell));
        }
    }
    std::vector<std::size_t> widths(table.headers.size(), 0);
    for (const auto& line : lines) {
        for (std::size_t c = 0; c < line.size() && c < widths.size(); ++c) {
            widths[c] = std::max(widths[c], Width(line[c]));
        }
    }
    for (const auto& line : lines) {
        std::string text;
        for (std::size_t c = 0; c < line.size() && c < widths.size(); ++c) {
            const std::string pad(widths[c] - Width(line[c]), ' ');
            const bool last = c + 1 == line.size();
            if (c > 0) text += "  ";
            if (table.right_aligned.contains(c)) {
                text += pad + line[c];
            } else {
                text += line[c] + (last ? "" : pad);
            }
        }
        std::fprintf(out, "%s\n", text.c_str());
    }
}

void PrintJson(const nlohmann::json& value, std::FILE* out) {
    // Stored text need not be valid UTF-8 (SQLite takes any bytes): replace, never throw.
    std::fprintf(out, "%s\n",
                 value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

std::string FormatIsoUtc(core::TimePoint t) {
    const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
    const std::time_t time = std::chrono::system_clock::to_time_t(seconds);
    std::tm tm{};
    gmtime_r(&time, &tm);
    char buf[40];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03lldZ",
                  static_cast<long long>((t - seconds).count()));
    return buf;
}

}  // namespace bookbot::app
