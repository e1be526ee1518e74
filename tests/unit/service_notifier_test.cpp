// sd_notify without libsystemd: what systemd (Type=notify, WatchdogSec=)
// receives on $NOTIFY_SOCKET from `bookbot serve`.

#include "service_notifier.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <string>

namespace bookbot::app {
namespace {

// A datagram socket standing in for systemd's notify socket; sets
// NOTIFY_SOCKET (and WATCHDOG_USEC when given) for the test's duration.
class FakeNotifySocket {
public:
    explicit FakeNotifySocket(bool abstract, const char* watchdog_usec = nullptr) {
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const std::string name = (abstract ? "@" : "/tmp/") + std::string("bookbot-notify-test-") +
                                 std::to_string(getpid());
        if (!abstract) unlink(name.c_str());
        path_ = abstract ? "" : name;
        std::memcpy(address.sun_path, name.data(), name.size());
        if (abstract) address.sun_path[0] = '\0';
        const auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
        REQUIRE(bind(fd_, reinterpret_cast<const sockaddr*>(&address), size) == 0);
        timeval timeout{5, 0};  // a missing message fails the test instead of hanging it
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        setenv("NOTIFY_SOCKET", name.c_str(), 1);
        unsetenv("WATCHDOG_PID");
        if (watchdog_usec != nullptr) {
            setenv("WATCHDOG_USEC", watchdog_usec, 1);
        } else {
            unsetenv("WATCHDOG_USEC");
        }
    }
    ~FakeNotifySocket() {
        unsetenv("NOTIFY_SOCKET");
        unsetenv("WATCHDOG_USEC");
        close(fd_);
        if (!path_.empty()) unlink(path_.c_str());
    }

    // The next datagram, or "" after 5 s without one.
    std::string Receive() {
        char buffer[256];
        const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
    }

private:
    int fd_ = -1;
    std::string path_;
};

TEST_CASE("serve tells systemd it is ready, then that it is stopping", "[systemd]") {
    const bool abstract = GENERATE(false, true);
    FakeNotifySocket systemd(abstract);
    {
        ServiceNotifier notifier;
        CHECK(systemd.Receive() == "READY=1");
    }
    CHECK(systemd.Receive() == "STOPPING=1");
}

TEST_CASE("with WatchdogSec the notifier pings until stopping", "[systemd]") {
    FakeNotifySocket systemd(false, "20000");  // 20 ms: a ping every 10 ms
    ServiceNotifier notifier;
    CHECK(systemd.Receive() == "READY=1");
    CHECK(systemd.Receive() == "WATCHDOG=1");
    CHECK(systemd.Receive() == "WATCHDOG=1");
    notifier.Stopping();
    std::string last;
    while ((last = systemd.Receive()) == "WATCHDOG=1") {
    }
    CHECK(last == "STOPPING=1");
}

TEST_CASE("without NOTIFY_SOCKET nothing is sent and nothing fails", "[systemd]") {
    unsetenv("NOTIFY_SOCKET");
    CHECK_FALSE(NotifyService("READY=1"));
    ServiceNotifier notifier;  // no socket: constructing and stopping are no-ops
    notifier.Stopping();
}

}  // namespace
}  // namespace bookbot::app
