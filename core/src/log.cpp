#include "bookbot/core/log.hpp"

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>

namespace bookbot::core::log {
namespace {

void PlainStderr(Level level, std::string_view event, const std::vector<Field>& fields) {
    std::string line(LevelName(level));
    line += ' ';
    line += event;
    for (const Field& f : fields) {
        line += ' ';
        line += f.key;
        line += '=';
        line += f.value;
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
}

struct State {
    std::mutex mutex;
    std::shared_ptr<const Sink> sink = std::make_shared<const Sink>(PlainStderr);
    std::atomic<int> min_level{static_cast<int>(Level::kInfo)};
};

State& Global() {
    static State state;
    return state;
}

}  // namespace

std::string_view LevelName(Level level) noexcept {
    switch (level) {
        case Level::kDebug:
            return "debug";
        case Level::kInfo:
            return "info";
        case Level::kWarn:
            return "warn";
        case Level::kError:
            return "error";
    }
    return "info";
}

void SetSink(Sink sink) {
    State& state = Global();
    auto next = std::make_shared<const Sink>(sink ? std::move(sink) : Sink(PlainStderr));
    const std::lock_guard lock(state.mutex);
    state.sink = std::move(next);
}

void SetMinLevel(Level level) { Global().min_level = static_cast<int>(level); }

bool Enabled(Level level) noexcept { return static_cast<int>(level) >= Global().min_level.load(); }

void Write(Level level, std::string_view event, std::initializer_list<Field> fields) {
    if (!Enabled(level)) return;
    State& state = Global();
    std::shared_ptr<const Sink> sink;
    {
        const std::lock_guard lock(state.mutex);
        sink = state.sink;
    }
    (*sink)(level, event, std::vector<Field>(fields));
}

}  // namespace bookbot::core::log
