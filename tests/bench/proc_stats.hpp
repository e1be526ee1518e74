#pragma once

#include <sys/types.h>

namespace bookbot::bench {

// Readings of another process from /proc (Linux). Each throws
// std::runtime_error when the process is gone or the file unreadable.

// User plus system CPU time the process has used so far, in milliseconds
// (utime + stime of /proc/<pid>/stat; clock-tick resolution).
double CpuMillis(pid_t pid);

// Context switches, voluntary and not, of the process's threads alive now
// (summed over /proc/<pid>/task/*/status; a thread that has ended no longer
// counts). Steadier than CPU time on a shared VM, where a switch with its
// wake-up is itself expensive.
double ContextSwitches(pid_t pid);

// A "Vm…:" line of /proc/<pid>/status in MiB, e.g. "VmRSS" (resident now) or
// "VmHWM" (the resident peak so far).
double StatusMiB(pid_t pid, const char* field);

}  // namespace bookbot::bench
