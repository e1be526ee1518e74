#include "connection_pool.hpp"

#include <string>

namespace bookbot::backends {

using core::StorageError;

ConnectionPool::ConnectionPool(Connect connect, int max_size, std::chrono::milliseconds wait)
    : connect_(std::move(connect)), max_size_(max_size < 1 ? 1 : max_size), wait_(wait) {}

ConnectionPool::Lease::~Lease() {
    if (conn_) pool_->Release(std::move(conn_));
}

ConnectionPool::Lease ConnectionPool::Acquire() {
    std::unique_lock lock(mutex_);
    if (!freed_.wait_for(lock, wait_, [&] { return !idle_.empty() || lent_ < max_size_; })) {
        throw StorageError(StorageError::Kind::kUnavailable,
                           "no database connection became free within " +
                               std::to_string(wait_.count()) + " ms (all " +
                               std::to_string(max_size_) + " in use)");
    }
    ++lent_;
    if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(conn));
    }
    lock.unlock();
    try {
        return Lease(*this, connect_());
    } catch (...) {
        lock.lock();
        --lent_;
        freed_.notify_one();
        throw;
    }
}

void ConnectionPool::Release(std::unique_ptr<SqlConnection> conn) {
    std::lock_guard lock(mutex_);
    --lent_;
    if (conn->Healthy()) idle_.push_back(std::move(conn));
    freed_.notify_one();
}

}  // namespace bookbot::backends
