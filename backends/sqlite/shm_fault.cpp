#include "shm_fault.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <set>
#include <system_error>

#include "bookbot/core/storage_error.hpp"

namespace bookbot::backends::sqlite {
namespace {

std::atomic<std::uint64_t> g_faults{0};
struct sigaction g_previous {};
std::size_t g_page_size = 4096;
constexpr std::size_t kMaxPage = std::size_t{64} * 1024;
constexpr std::size_t kMaxLine = 4096;

// Parses the hex number at `*p`, advancing past it.
std::uintptr_t Hex(const char*& p, const char* end) {
    std::uintptr_t value = 0;
    for (; p < end; ++p) {
        const char c = *p;
        int digit = -1;
        if (c >= '0' && c <= '9') digit = c - '0';
        if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        if (digit < 0) break;
        value = value * 16 + static_cast<std::uintptr_t>(digit);
    }
    return value;
}

bool EndsWith(const char* begin, const char* end, const char* suffix) {
    const std::size_t n = std::strlen(suffix);
    return static_cast<std::size_t>(end - begin) >= n && std::memcmp(end - n, suffix, n) == 0;
}

// One /proc/self/maps line: "start-end perms offset dev inode   path".
bool LineMapsShm(const char* line, const char* end, std::uintptr_t address) {
    const char* p = line;
    const std::uintptr_t start = Hex(p, end);
    if (p >= end || *p != '-') return false;
    ++p;
    const std::uintptr_t stop = Hex(p, end);
    if (address < start || address >= stop) return false;
    const char* path = static_cast<const char*>(std::memchr(line, '/', end - line));
    if (path == nullptr) return false;
    const char* deleted = " (deleted)";
    if (EndsWith(path, end, deleted)) end -= std::strlen(deleted);
    return EndsWith(path, end, "-shm");
}

// Whether `address` lies in a mapping of a "-shm" file. Async-signal-safe:
// open/read/close and the stack only.
bool InShmMapping(std::uintptr_t address) {
    const int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char chunk[4096];
    char line[kMaxLine];
    std::size_t used = 0;
    bool found = false;
    while (!found) {
        const ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0) break;
        for (ssize_t i = 0; i < n && !found; ++i) {
            if (chunk[i] == '\n') {
                found = LineMapsShm(line, line + used, address);
                used = 0;
            } else if (used < kMaxLine) {
                line[used++] = chunk[i];
            }
        }
    }
    close(fd);
    return found;
}

void OnSigbus(int signal, siginfo_t* info, void* context) {
    const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
    if (info->si_code == BUS_ADRERR && InShmMapping(address)) {
        const int saved_errno = errno;
        // The faulting page: an address computed from an address, by necessity.
        auto* page = reinterpret_cast<void*>(  // NOLINT(performance-no-int-to-ptr)
            address & ~(g_page_size - 1));
        alignas(16) char copy[kMaxPage];
        std::memcpy(copy, page, g_page_size);  // reading the page still works
        void* remapped = mmap(page, g_page_size, PROT_READ | PROT_WRITE,
                              MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        errno = saved_errno;
        if (remapped == page) {
            std::memcpy(page, copy, g_page_size);
            g_faults.fetch_add(1);
            return;  // the store is retried, into the private page
        }
    }
    // Not ours: as if this handler were not there.
    if ((g_previous.sa_flags & SA_SIGINFO) != 0 && g_previous.sa_sigaction != nullptr) {
        g_previous.sa_sigaction(signal, info, context);
        return;
    }
    if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN &&
        g_previous.sa_handler != nullptr) {
        g_previous.sa_handler(signal);
        return;
    }
    // Default action: returning re-executes the faulting access, which now
    // kills the process with SIGBUS as it would have.
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(SIGBUS, &fallback, nullptr);
}

}  // namespace

void InstallShmFaultHandler() {
    static std::once_flag once;
    std::call_once(once, [] {
        const long page = sysconf(_SC_PAGESIZE);
        if (page <= 0 || static_cast<std::size_t>(page) > kMaxPage) return;
        g_page_size = static_cast<std::size_t>(page);
        struct sigaction action {};
        action.sa_sigaction = OnSigbus;
        action.sa_flags = SA_SIGINFO;
        sigemptyset(&action.sa_mask);
        sigaction(SIGBUS, &action, &g_previous);
    });
}

namespace {

struct Epochs {
    std::mutex mutex;
    std::multiset<std::uint64_t> open;  // faults_at_open_ of every live connection
};

Epochs& LiveEpochs() {
    static Epochs epochs;
    return epochs;
}

}  // namespace

ShmEpoch::ShmEpoch() {
    Epochs& epochs = LiveEpochs();
    const std::lock_guard lock(epochs.mutex);
    faults_at_open_ = g_faults.load();
    if (!epochs.open.empty() && *epochs.open.begin() < faults_at_open_) {
        throw core::StorageError(core::StorageError::Kind::kUnavailable,
                                 "SQLite: waiting for connections from before a -shm fault to "
                                 "close");
    }
    epochs.open.insert(faults_at_open_);
}

ShmEpoch::~ShmEpoch() {
    Epochs& epochs = LiveEpochs();
    const std::lock_guard lock(epochs.mutex);
    epochs.open.erase(epochs.open.find(faults_at_open_));
}

bool ShmEpoch::Stale() const noexcept { return g_faults.load() != faults_at_open_; }

void RequireWritableFiles(const std::string& path) {
    for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
        if (access(file.c_str(), W_OK) == 0 || errno == ENOENT) continue;
        const int error = errno;
        throw core::StorageError(core::StorageError::Kind::kUnavailable,
                                 "SQLite: '" + file + "' cannot be written (" +
                                     std::generic_category().message(error) +
                                     "); waiting for it to be writable");
    }
}

}  // namespace bookbot::backends::sqlite
