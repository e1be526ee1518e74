#include "service_notifier.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

namespace bookbot::app {
namespace {

// The watchdog period systemd asked for, if any, and if meant for this
// process ($WATCHDOG_PID, when set, names the process).
std::chrono::microseconds WatchdogPeriod() {
    const char* usec = std::getenv("WATCHDOG_USEC");
    if (usec == nullptr) return {};
    const char* pid = std::getenv("WATCHDOG_PID");
    if (pid != nullptr && std::strtoll(pid, nullptr, 10) != getpid()) return {};
    return std::chrono::microseconds(std::strtoll(usec, nullptr, 10));
}

}  // namespace

bool NotifyService(std::string_view state) {
    const char* path = std::getenv("NOTIFY_SOCKET");
    if (path == nullptr || path[0] == '\0') return false;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::size_t length = std::strlen(path);
    if (length >= sizeof address.sun_path) return false;
    std::memcpy(address.sun_path, path, length);
    if (path[0] == '@') address.sun_path[0] = '\0';  // abstract namespace
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
    const ssize_t sent = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address), size);
    close(fd);
    return sent == static_cast<ssize_t>(state.size());
}

ServiceNotifier::ServiceNotifier() {
    if (!NotifyService("READY=1")) return;
    const std::chrono::microseconds period = WatchdogPeriod();
    if (period.count() <= 0) return;
    watchdog_ = std::jthread([period](const std::stop_token& stop) {
        std::mutex mutex;
        std::condition_variable_any wake;
        std::unique_lock lock(mutex);
        // Half the period, as systemd recommends, so one late ping is not fatal.
        while (true) {
            wake.wait_for(lock, stop, period / 2, [] { return false; });
            if (stop.stop_requested()) return;
            NotifyService("WATCHDOG=1");
        }
    });
}

ServiceNotifier::~ServiceNotifier() { Stopping(); }

void ServiceNotifier::Stopping() {
    if (stopping_) return;
    stopping_ = true;
    watchdog_.request_stop();
    if (watchdog_.joinable()) watchdog_.join();
    NotifyService("STOPPING=1");
}

}  // namespace bookbot::app
