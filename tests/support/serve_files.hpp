#pragma once

// Files for `bookbot serve` under test: its TOML configuration and the offset
// file of the hidden --test-clock-file (app/test_clock.hpp), in a fresh
// directory that goes with the object. One business shape many e2e tests share.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace bookbot::testing {

// The TOML of a business open around the clock every day, with one service
// "Haircut" (id "cut", 30 min). `business_lines` are added to [business]
// (after name and time_zone), `rest` after the service ("[staff]…").
std::string AlwaysOpenConfig(const std::string& name, const std::string& time_zone,
                             const std::string& business_lines, const std::string& rest = "");

class ServeFiles {
public:
    // Writes `config`; the clock offset starts at 0.
    explicit ServeFiles(const std::string& config);
    ~ServeFiles();
    ServeFiles(const ServeFiles&) = delete;
    ServeFiles& operator=(const ServeFiles&) = delete;

    // serve's clock reads system time + `offset` from now on (the file is
    // replaced atomically, so serve never reads half a number).
    void SetOffset(std::chrono::milliseconds offset) const;
    // Moves serve's clock to read `at` now (it then runs on from there).
    void SetNow(std::chrono::system_clock::time_point at) const;
    // --config and --test-clock-file for serve.
    std::vector<std::string> Args() const;
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
};

}  // namespace bookbot::testing
