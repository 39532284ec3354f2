// How much memory a function instance's processes use, read from /proc.
//
// Why /proc and not a cgroup: sluice runs unprivileged, often in a
// container whose cgroup hierarchy is not delegated to it (cgroup v1, or v2
// without a writable subtree), so it cannot put instances in a memory
// cgroup of their own. The pool samples instead, on its reaper's timer
// (never on an invocation's path), and kills an instance whose processes
// went over its memory size -- what Lambda's sandbox does, a sample late.
//
// The measure is the sum, over the instance's processes, of each one's peak
// resident set (VmHWM): a peak between two samples is still seen, and
// memory a process allocated and freed again still counts, as it does for
// Lambda's "Max Memory Used". Processes that exited are no longer counted.
//
// Stateless functions; thread-safe. Processes of other users, whose
// /proc entries cannot be read, count as nothing.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace sluice::serve {

// The live processes whose environment holds the entry `entry`
// ("NAME=VALUE", matched whole). Reads every process's environ: for
// finding an instance once, not for each sample.
std::vector<pid_t> ProcessesWithEnvironment(std::string_view entry);

// The sum of VmHWM over `roots` and all their descendants, in bytes; 0 when
// none of them is alive.
int64_t ProcessTreePeakBytes(const std::vector<pid_t>& roots);

}  // namespace sluice::serve
