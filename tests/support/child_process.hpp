#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace bookbot::testing {

// A program running beside the test (the real `bookbot serve`), with its
// stdout and stderr collected as they come. Killed (SIGKILL) if still running
// when the object goes.
class ChildProcess {
public:
    using Env = std::vector<std::pair<std::string, std::string>>;

    // Starts `argv[0]` with `argv`, the test's environment plus `env`.
    ChildProcess(const std::vector<std::string>& argv, const Env& env);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // The first output line (from `from_line` on) containing `needle`, waiting
    // up to `timeout` for it; nullopt if it did not come (or the program ended).
    std::optional<std::string> WaitForLine(std::string_view needle,
                                           std::chrono::milliseconds timeout,
                                           std::size_t from_line = 0);
    std::size_t LineCount() const;
    std::string Output() const;

    // The process id, e.g. to read /proc/<pid>; valid until Wait() returns.
    pid_t Pid() const { return pid_; }
    void Signal(int signal) const;
    // Waits for the exit; the exit code, or 128 + signal.
    int Wait();

private:
    void Read(int fd);

    pid_t pid_ = -1;
    std::optional<int> status_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> lines_;
    std::string partial_;
    bool eof_ = false;
    std::thread reader_;
};

// The port in a `serve.listening address=HOST:PORT` log line.
int ListeningPort(const std::string& line);

}  // namespace bookbot::testing
