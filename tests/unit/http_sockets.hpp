#pragma once

// Plain POSIX sockets for the HTTP tests: clients and servers that misbehave
// in ways the real Client and Server never would (no Boost here).

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace bookbot::test {

// An owned file descriptor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(other.Release()) {}
    Fd& operator=(Fd&& other) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    int Release();

private:
    int fd_ = -1;
};

// Connects to 127.0.0.1:port; throws std::runtime_error on failure.
Fd ConnectLoopback(std::uint16_t port);

// True when a connection to 127.0.0.1:port is refused right now.
bool ConnectionRefused(std::uint16_t port);

void SendAll(int fd, std::string_view data);

// What arrived until the peer closed (or reset) the connection, or until
// `timeout` passed with the connection still open.
struct Received {
    std::string data;
    bool closed = false;
};
Received ReadUntilClosed(int fd, std::chrono::milliseconds timeout);

// Reads until `marker` has arrived (returns everything read, marker
// included), the peer closes, or `timeout` passes.
std::string ReadUntil(int fd, std::string_view marker, std::chrono::milliseconds timeout);

// Reads one response with a Content-Length body.
std::string ReadResponse(int fd, std::chrono::milliseconds timeout);

// A TCP socket on 127.0.0.1 with a free port: listening (connections
// complete in the kernel's backlog whether or not they are accepted), or
// only bound (connections are refused).
class Listener {
public:
    explicit Listener(bool listen = true);
    std::uint16_t Port() const { return port_; }
    // An accepted connection, or an invalid Fd if none arrived in `timeout`.
    Fd Accept(std::chrono::milliseconds timeout);

private:
    Fd fd_;
    std::uint16_t port_ = 0;
};

}  // namespace bookbot::test
