#pragma once

#include <string_view>
#include <thread>

namespace bookbot::app {

// Sends one sd_notify state ("READY=1", "STOPPING=1", "WATCHDOG=1") to the
// datagram socket named by $NOTIFY_SOCKET (a path, or "@name" for an abstract
// socket), as systemd's Type=notify expects; libsystemd is not linked for
// this. Returns false when there is no such socket (not run by systemd) or
// the send failed; never throws: the service runs on without notifications.
bool NotifyService(std::string_view state);

// `bookbot serve` under systemd: READY=1 once constructed (the server is
// listening), then WATCHDOG=1 every half of $WATCHDOG_USEC (WatchdogSec=) from
// a thread while the process lives, and STOPPING=1 from Stopping() or the
// destructor. Without $NOTIFY_SOCKET every step does nothing.
class ServiceNotifier {
public:
    ServiceNotifier();
    ~ServiceNotifier();
    ServiceNotifier(const ServiceNotifier&) = delete;
    ServiceNotifier& operator=(const ServiceNotifier&) = delete;

    // Tells systemd that the stop has begun (the drain may take a while) and
    // ends the watchdog pings. Idempotent.
    void Stopping();

private:
    bool stopping_ = false;
    std::jthread watchdog_;
};

}  // namespace bookbot::app
