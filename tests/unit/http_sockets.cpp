#include "http_sockets.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bookbot::test {

namespace {

using Clock = std::chrono::steady_clock;

sockaddr_in Loopback(std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

[[noreturn]] void Fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

// Waits until `fd` is readable; false when the deadline passed first.
bool WaitReadable(int fd, Clock::time_point deadline) {
    while (true) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd p{fd, POLLIN, 0};
        const int n = ::poll(&p, 1, static_cast<int>(std::max<long>(0, left.count())));
        if (n > 0) return true;
        if (n == 0) return false;
        if (errno != EINTR) Fail("poll");
    }
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.Release();
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

int Fd::Release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

Fd ConnectLoopback(std::uint16_t port) {
    Fd fd{::socket(AF_INET, SOCK_STREAM, 0)};
    if (!fd.valid()) Fail("socket");
    const sockaddr_in addr = Loopback(port);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        Fail("connect");
    }
    return fd;
}

bool ConnectionRefused(std::uint16_t port) {
    const Fd fd{::socket(AF_INET, SOCK_STREAM, 0)};
    if (!fd.valid()) Fail("socket");
    const sockaddr_in addr = Loopback(port);
    return ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 &&
           errno == ECONNREFUSED;
}

void SendAll(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) Fail("send");
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

Received ReadUntilClosed(int fd, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    Received out;
    char buf[4096];
    while (WaitReadable(fd, deadline)) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            out.closed = true;
            break;
        }
        out.data.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

std::string ReadUntil(int fd, std::string_view marker, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::string out;
    char c = 0;
    while (out.find(marker) == std::string::npos && WaitReadable(fd, deadline)) {
        const ssize_t n = ::recv(fd, &c, 1, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.push_back(c);
    }
    return out;
}

std::string ReadResponse(int fd, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::string out = ReadUntil(fd, "\r\n\r\n", timeout);
    const auto at = out.find("Content-Length: ");
    const std::size_t length = at == std::string::npos ? 0 : std::stoul(out.substr(at + 16));
    const std::size_t header = out.size();
    char c = 0;
    while (out.size() < header + length && WaitReadable(fd, deadline)) {
        if (::recv(fd, &c, 1, 0) <= 0) break;
        out.push_back(c);
    }
    return out;
}

Listener::Listener(bool listen) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (!fd_.valid()) Fail("socket");
    sockaddr_in addr = Loopback(0);
    if (::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        Fail("bind");
    }
    if (listen && ::listen(fd_.get(), 16) != 0) Fail("listen");
    socklen_t len = sizeof addr;
    if (::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        Fail("getsockname");
    }
    port_ = ntohs(addr.sin_port);
}

Fd Listener::Accept(std::chrono::milliseconds timeout) {
    if (!WaitReadable(fd_.get(), Clock::now() + timeout)) return Fd{};
    return Fd{::accept(fd_.get(), nullptr, nullptr)};
}

}  // namespace bookbot::test
