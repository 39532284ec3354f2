// The stage agent: a small program started once per stage inside the
// stage's bubblewrap sandbox, which starts the stage's commands there on
// request, so a step costs a fork instead of a whole bwrap. Internal to the
// runner module; SandboxSession is its only client and
// runner/agent_protocol.h its wire format.
//
// Inside the sandbox (bwrap --unshare-pid --as-pid-1) the agent is the pid
// namespace's init, pid 1. For each command received on the
// control socket it forks a monitor, which starts the command as the leader
// of a new process group (runner/spawn.h), forwards signal requests to that
// group, and — when the leader exits — kills the rest of the group, reaps
// the leader and reports its wait status. Pids never leave the sandbox's pid
// namespace: sluice signals a command only through its monitor.
//
// Lifetime: the agent exits when the control socket closes (sluice ended the
// session, or died, however it died); as pid 1 it takes the namespace with
// it: the kernel kills every process left there, daemons a step left behind
// included. Being init also makes it the parent of those orphans; ignoring
// SIGCHLD has the kernel reap them.
//
// Why not bwrap's own init with --die-with-parent, as for one command:
// bwrap's init outlives the command while any orphan lives, and only
// --die-with-parent ends it then — but that follows the *thread* that
// started bwrap (PR_SET_PDEATHSIG), and a stage's first command may come
// from a parallel block's worker thread that ends long before the stage.
#pragma once

#include <string>

#include "common/status.h"

namespace sluice::runner {

// The executable's file name.
inline constexpr const char* kStageAgentName = "sluice-stage-agent";

// The agent executable: $SLUICE_STAGE_AGENT when set, else
// sluice-stage-agent beside the running executable (/proc/self/exe).
// NotFound when there is none (callers fall back to one bwrap per command).
Result<std::string> FindStageAgent();

// The agent's main loop on `control_fd` (the sandbox side of the control
// socket). Returns the process exit code when the socket closes.
int RunStageAgent(int control_fd);

}  // namespace sluice::runner
