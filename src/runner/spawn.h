// Starting one command as the leader of a new process group, the way both
// LocalProcessRunner (on the host) and the stage agent (inside a sandbox) do
// it. Internal to the runner module.
//
// The child gets its own session (setsid: pid == process-group id), an empty
// signal mask and every signal at its default disposition (ignored signals
// would survive exec), stdin/stdout/stderr (and optionally descriptor 3)
// from the given descriptors and no other descriptor of ours (closefrom), so
// a pipe end another thread opened cannot leak into the command.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::runner {

struct SpawnArgs {
  std::string program;            // path to exec (already resolved)
  std::vector<std::string> argv;  // argv[0] as the command should see it
  std::vector<std::string> env;   // "KEY=VALUE" strings, the whole environment
  std::string working_dir;        // "" = the caller's
  int stdin_fd = -1;              // -1: /dev/null
  int stdout_fd = -1;
  int stderr_fd = -1;
  int fd3 = -1;  // >= 0: becomes descriptor 3 in the child
};

// The child's pid; IoError "cannot run <argv[0]>: <reason>" when the spawn
// (including the chdir) fails.
Result<pid_t> SpawnGroupLeader(const SpawnArgs& args);

// A pidfd for `pid` (readable when it exits), or -1 where the kernel has none.
int PidfdOpen(pid_t pid);

}  // namespace sluice::runner
