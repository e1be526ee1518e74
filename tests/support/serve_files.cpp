#include "serve_files.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>

namespace bookbot::testing {

namespace fs = std::filesystem;

std::string AlwaysOpenConfig(const std::string& name, const std::string& time_zone,
                             const std::string& business_lines, const std::string& rest) {
    std::string config = "[business]\nname = \"" + name + "\"\ntime_zone = \"" + time_zone +
                         "\"\n" + business_lines + "\n[hours]\n";
    for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
        config += std::string(day) + " = [\"00:00-24:00\"]\n";
    }
    config += "[[services]]\nid = \"cut\"\nname = \"Haircut\"\nduration_minutes = 30\n";
    return config + rest;
}

ServeFiles::ServeFiles(const std::string& config) {
    static std::atomic<int> next{0};
    dir_ = fs::temp_directory_path() /
           ("bookbot-serve-" + std::to_string(::getpid()) + "-" + std::to_string(next++));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "bookbot.toml") << config;
    SetOffset(std::chrono::milliseconds(0));
}

ServeFiles::~ServeFiles() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
}

void ServeFiles::SetOffset(std::chrono::milliseconds offset) const {
    const fs::path tmp = dir_ / "clock.tmp";
    std::ofstream(tmp) << offset.count();
    fs::rename(tmp, dir_ / "clock");
}

void ServeFiles::SetNow(std::chrono::system_clock::time_point at) const {
    SetOffset(std::chrono::duration_cast<std::chrono::milliseconds>(
        at - std::chrono::system_clock::now()));
}

std::vector<std::string> ServeFiles::Args() const {
    return {"--config", (dir_ / "bookbot.toml").string(), "--test-clock-file",
            (dir_ / "clock").string()};
}

}  // namespace bookbot::testing
