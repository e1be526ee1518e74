#pragma once

#include <filesystem>

namespace bookbot::bench {

// The business the benchmark books for, in the TOML format of
// packaging/bookbot.toml: the demo business has too few free slots for a
// thousand flows (2 chairs, 9–18 h, 14 days), so this one has 8 chairs open
// 08–20 h every day on a 30-minute grid for 14 days (about 2,600 slots).
const char* BenchBusinessToml();

// Writes BenchBusinessToml() into `dir` and returns the file's path.
std::filesystem::path WriteBenchBusiness(const std::filesystem::path& dir);

}  // namespace bookbot::bench
