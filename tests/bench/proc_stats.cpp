#include "proc_stats.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace bookbot::bench {
namespace {

std::ifstream Open(pid_t pid, const char* file) {
    const std::string path = "/proc/" + std::to_string(pid) + "/" + file;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    return in;
}

}  // namespace

double CpuMillis(pid_t pid) {
    std::ifstream in = Open(pid, "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The command name (field 2) may hold spaces: count fields after its ')'.
    std::istringstream rest(stat.substr(stat.rfind(')') + 1));
    std::string field;
    double ticks = 0;
    for (int index = 3; index <= 15 && rest >> field; ++index) {
        if (index == 14 || index == 15) ticks += std::stod(field);  // utime, stime
    }
    return ticks * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double ContextSwitches(pid_t pid) {
    const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
    std::error_code error;
    std::filesystem::directory_iterator it(tasks, error);
    if (error) throw std::runtime_error("cannot list " + tasks.string() + ": " + error.message());
    double switches = 0;
    for (const auto& task : it) {
        std::ifstream in(task.path() / "status");  // a thread that just ended is skipped
        for (std::string line; std::getline(in, line);) {
            if (line.rfind("voluntary_ctxt_switches:", 0) == 0 ||
                line.rfind("nonvoluntary_ctxt_switches:", 0) == 0) {
                switches += std::stod(line.substr(line.find(':') + 1));
            }
        }
    }
    return switches;
}

double StatusMiB(pid_t pid, const char* field) {
    std::ifstream in = Open(pid, "status");
    const std::string prefix = std::string(field) + ":";
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(prefix.size())) / 1024.0;
    }
    throw std::runtime_error(std::string("no ") + field + " in /proc/" + std::to_string(pid) +
                             "/status");
}

}  // namespace bookbot::bench
