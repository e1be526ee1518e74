#include "logging.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "date/date.h"

namespace bookbot::app {
namespace {

struct Secrets {
    std::mutex mutex;
    std::vector<std::string> values;
};

Secrets& RegisteredSecrets() {
    static Secrets secrets;
    return secrets;
}

bool NeedsQuotes(std::string_view value) {
    if (value.empty()) return true;
    for (char c : value) {
        if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
            return true;
        }
    }
    return false;
}

std::string Quoted(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += c;
        }
    }
    return out + '"';
}

std::string Now() {
    const auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    return date::format("%FT%TZ", now);
}

}  // namespace

LogFormat ParseLogFormat(std::string_view name) {
    if (name == "text") return LogFormat::kText;
    if (name == "json") return LogFormat::kJson;
    throw std::invalid_argument("unknown log format '" + std::string(name) +
                                "'; allowed: text, json");
}

core::log::Level ParseLogLevel(std::string_view name) {
    for (auto level : {core::log::Level::kDebug, core::log::Level::kInfo, core::log::Level::kWarn,
                       core::log::Level::kError}) {
        if (core::log::LevelName(level) == name) return level;
    }
    throw std::invalid_argument("unknown log level '" + std::string(name) +
                                "'; allowed: debug, info, warn, error");
}

std::string FormatEvent(LogFormat format, std::string_view timestamp, core::log::Level level,
                        std::string_view event, const std::vector<core::log::Field>& fields) {
    if (format == LogFormat::kJson) {
        nlohmann::ordered_json line;
        line["ts"] = timestamp;
        line["level"] = core::log::LevelName(level);
        line["event"] = event;
        for (const auto& f : fields) {
            if (f.quoted) {
                line[f.key] = f.value;
            } else {
                line[f.key] = nlohmann::ordered_json::parse(f.value, nullptr, false);
                if (line[f.key].is_discarded()) line[f.key] = f.value;
            }
        }
        return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    std::string line(timestamp);
    line += ' ';
    line += core::log::LevelName(level);
    line += ' ';
    line += event;
    for (const auto& f : fields) {
        line += ' ' + f.key + '=';
        line += NeedsQuotes(f.value) ? Quoted(f.value) : f.value;
    }
    return line;
}

void AddSecret(const std::string& secret) {
    if (secret.empty()) return;
    Secrets& secrets = RegisteredSecrets();
    const std::lock_guard lock(secrets.mutex);
    secrets.values.push_back(secret);
}

std::string Redact(std::string line) {
    Secrets& secrets = RegisteredSecrets();
    const std::lock_guard lock(secrets.mutex);
    for (const std::string& secret : secrets.values) {
        for (auto at = line.find(secret); at != std::string::npos; at = line.find(secret, at + 3)) {
            line.replace(at, secret.size(), "***");
        }
    }
    return line;
}

void ConfigureLogging(LogFormat format, core::log::Level min_level) {
    core::log::SetMinLevel(min_level);
    core::log::SetSink([format](core::log::Level level, std::string_view event,
                                const std::vector<core::log::Field>& fields) {
        std::string line = Redact(FormatEvent(format, Now(), level, event, fields)) + '\n';
        std::fwrite(line.data(), 1, line.size(), stderr);
    });
}

}  // namespace bookbot::app
