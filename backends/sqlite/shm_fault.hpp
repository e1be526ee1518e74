#pragma once

// SQLite in WAL mode shares its wal-index through a memory mapping of the
// "-shm" file. When that file stops being writable underneath a running
// process (immutable, a read-only remount after disk errors), the next store
// into a clean page of the mapping raises SIGBUS, which would kill the
// process. This module turns that into an error the store can report.

#include <cstdint>
#include <string>

namespace bookbot::backends::sqlite {

// Installs (once per process) a SIGBUS handler for faults in a mapping of a
// file whose name ends in "-shm": it replaces the faulting page with a
// private copy (so the interrupted store completes, in memory only) and
// counts the fault. Any other SIGBUS is handled as before (the handler that
// was installed, by default: the process dies). Thread-safe.
void InstallShmFaultHandler();

// A connection's place in the history of shm faults, taken when it opens.
// All connections of a process to one database share one mapping of its
// -shm; after a fault it holds a private page, so every connection from
// before the fault must close (and the mapping be made afresh) before a new
// one may trust it. Thread-safe; one per connection.
class ShmEpoch {
public:
    // Throws StorageError kUnavailable while a connection opened before the
    // last fault is still open.
    ShmEpoch();
    ~ShmEpoch();
    ShmEpoch(const ShmEpoch&) = delete;
    ShmEpoch& operator=(const ShmEpoch&) = delete;

    // True once a fault happened after this connection opened: its
    // wal-index view no longer matches other processes'. It must be closed,
    // and its last commit reported as failed.
    bool Stale() const noexcept;

private:
    std::uint64_t faults_at_open_;
};

// Throws StorageError kUnavailable when the database file or its -wal or
// -shm (those that exist) cannot be written right now (EROFS, EPERM for an
// immutable file, EACCES): a connection opened then would stay read-only,
// and its shared memory would fault.
void RequireWritableFiles(const std::string& path);

}  // namespace bookbot::backends::sqlite
