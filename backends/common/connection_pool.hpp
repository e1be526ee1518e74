#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "sql_connection.hpp"

namespace bookbot::backends {

// A bounded pool of connections, made on demand by `connect`. A connection
// that reports itself unhealthy is dropped on return, so the next unit
// reconnects: this is how a store survives a database restart.
class ConnectionPool {
public:
    using Connect = std::function<std::unique_ptr<SqlConnection>()>;

    ConnectionPool(Connect connect, int max_size, std::chrono::milliseconds wait);
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    // A connection lent to the holder; goes back to the pool on destruction.
    class Lease {
    public:
        Lease(ConnectionPool& pool, std::unique_ptr<SqlConnection> conn)
            : pool_(&pool), conn_(std::move(conn)) {}
        Lease(Lease&&) = default;
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        SqlConnection& operator*() const { return *conn_; }
        SqlConnection* operator->() const { return conn_.get(); }

    private:
        ConnectionPool* pool_;
        std::unique_ptr<SqlConnection> conn_;
    };

    // Waits up to `wait` for a free slot; throws StorageError kUnavailable
    // when none frees up, or what `connect` throws.
    Lease Acquire();

    int MaxSize() const { return max_size_; }

private:
    void Release(std::unique_ptr<SqlConnection> conn);

    Connect connect_;
    const int max_size_;
    const std::chrono::milliseconds wait_;
    std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<SqlConnection>> idle_;
    int lent_ = 0;
};

}  // namespace bookbot::backends
