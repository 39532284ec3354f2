// The loop that watches one started command until it is over, shared by
// LocalProcessRunner (the command is our child) and SandboxSession (the
// command is a child of the stage agent). Internal to the runner module.
//
// It delivers output lines, feeds stdin, enforces the timeout and the
// cancellation (SIGTERM to the group, SIGKILL `kill_grace` later) and, once
// the leader has exited, reads what is left in the pipes: until EOF, or 100
// ms without output (at most 1 s) when something outside the group still
// holds a pipe. What differs between the two cases — how the group is
// signalled and how the leader's exit is seen — is a LeaderHandle.
#pragma once

#include <chrono>

#include "common/cancellation.h"
#include "common/status.h"
#include "runner/fd.h"
#include "runner/process.h"

namespace sluice::runner {

class LeaderHandle {
 public:
  virtual ~LeaderHandle() = default;
  // Sends `sig` to the command's whole process group.
  virtual void SignalGroup(int sig) = 0;
  // A descriptor that becomes readable when the leader may have exited;
  // -1: Exited() is polled every 10 ms instead.
  virtual int exit_fd() const = 0;
  // True once the leader has exited; by then the rest of its group has had
  // SIGKILL (the step is over, as on Harness).
  virtual bool Exited() = 0;
  // Waits for the leader's final status (reaping it where that is ours to
  // do) and sets result->exit_code or result->term_signal.
  virtual void Finish(ProcessResult* result) = 0;
};

// Our ends of the command's pipes; `in` is invalid when there is no stdin.
struct CommandPipes {
  UniqueFd out;
  UniqueFd err;
  UniqueFd in;
};

// Runs the loop to its end; `start` is when the command was started (the
// timeout counts from it). IoError only when poll() fails, after the group
// has been killed and the leader reaped.
Result<ProcessResult> Supervise(LeaderHandle& leader, CommandPipes pipes, const ProcessSpec& spec,
                                LineSink& sink, const Cancellation& cancel,
                                std::chrono::steady_clock::time_point start);

}  // namespace sluice::runner
