// Finding processes a crashed sluice left behind.
//
// Every step process starts with HARNESS_EXECUTION_ID=<id> in its
// environment, and its children inherit it. When `sluice` itself dies (kill
// -9, power cut of the terminal), sandboxed steps die with their sandbox, but
// steps run directly on the host keep going. Before an execution is resumed
// or marked aborted, its leftovers are found by that variable and killed, so
// a step never runs twice at once.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace sluice::runner {

// Live processes (other than this one) whose environment holds
// HARNESS_EXECUTION_ID=`execution_id`. Processes of other users, whose
// environment cannot be read, are not found.
std::vector<pid_t> ProcessesOfExecution(const std::string& execution_id);

// SIGKILLs them (each one's process group too) and returns how many there were.
int KillProcessesOfExecution(const std::string& execution_id);

}  // namespace sluice::runner
