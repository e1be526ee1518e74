#include "child_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

extern char** environ;

namespace bookbot::testing {

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const Env& env) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    // Prepared before fork: the child only calls async-signal-safe functions.
    std::vector<std::string> environment;
    for (char** e = environ; *e != nullptr; ++e) environment.emplace_back(*e);
    for (const auto& [name, value] : env) environment.push_back(name + "=" + value);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execve(args[0], args.data(), envp.data());
        _exit(127);
    }
    close(fds[1]);
    reader_ = std::thread([this, fd = fds[0]] { Read(fd); });
}

ChildProcess::~ChildProcess() {
    if (!status_) {
        Signal(SIGKILL);
        Wait();
    }
    if (reader_.joinable()) reader_.join();
}

void ChildProcess::Read(int fd) {
    char buf[4096];
    while (true) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        const std::lock_guard lock(mutex_);
        partial_.append(buf, static_cast<std::size_t>(n));
        for (auto nl = partial_.find('\n'); nl != std::string::npos; nl = partial_.find('\n')) {
            lines_.push_back(partial_.substr(0, nl));
            partial_.erase(0, nl + 1);
        }
        changed_.notify_all();
    }
    close(fd);
    const std::lock_guard lock(mutex_);
    if (!partial_.empty()) lines_.push_back(partial_);
    eof_ = true;
    changed_.notify_all();
}

std::optional<std::string> ChildProcess::WaitForLine(std::string_view needle,
                                                     std::chrono::milliseconds timeout,
                                                     std::size_t from_line) {
    std::unique_lock lock(mutex_);
    std::size_t checked = from_line;
    std::optional<std::string> found;
    changed_.wait_for(lock, timeout, [&] {
        for (; checked < lines_.size(); ++checked) {
            if (lines_[checked].find(needle) != std::string::npos) {
                found = lines_[checked];
                return true;
            }
        }
        return eof_;
    });
    return found;
}

std::size_t ChildProcess::LineCount() const {
    const std::lock_guard lock(mutex_);
    return lines_.size();
}

std::string ChildProcess::Output() const {
    const std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& line : lines_) out += line + "\n";
    return out + partial_;
}

void ChildProcess::Signal(int signal) const {
    if (!status_ && pid_ > 0) kill(pid_, signal);
}

int ChildProcess::Wait() {
    if (!status_) {
        int raw = 0;
        waitpid(pid_, &raw, 0);
        status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
        if (reader_.joinable()) reader_.join();
    }
    return *status_;
}

int ListeningPort(const std::string& line) {
    const auto at = line.find("address=");
    const auto colon = line.find(':', at == std::string::npos ? 0 : at);
    if (at == std::string::npos || colon == std::string::npos) {
        throw std::runtime_error("no address in: " + line);
    }
    return std::atoi(line.c_str() + colon + 1);
}

}  // namespace bookbot::testing
