// SandboxSession: the commands of one stage run in one bubblewrap sandbox.
//
// Starting bwrap costs a few milliseconds per command; a stage of many
// small steps pays that for each. A session starts bwrap once, with the
// stage agent (runner/stage_agent.h) inside, on the first command that
// carries the session's mounts; every such command is then a request to the
// agent over a unix socket: argv, environment and working directory, with
// our pipe ends passed along (SCM_RIGHTS), so output is read here exactly as
// LocalProcessRunner reads it (runner/supervise.h). Commands with other
// mounts, or none, go to the fallback runner.
//
// Differences from one bwrap per command (LocalProcessRunner with mounts):
//  - Exit status is the command's own: a command killed by signal N has
//    term_signal N (bwrap reported it as exit code 128+N).
//  - The sandbox is shared by the session's commands: a process a step
//    leaves behind outside its process group (setsid, a daemon) lives until
//    the session ends, as on a build VM, rather than until its step ends.
//    Its process group (the usual `cmd &`) is still killed when the step's
//    leader exits.
//  - The layout is computed when the sandbox starts: a host directory
//    rebuilt on bwrap's tmpfs root (see runner/sandbox.h) shows its entries
//    of that moment for the whole session.
//
// Signals go through the agent: the commands live in the sandbox's pid
// namespace, so their pids mean nothing here.
//
// Lifetime: destroying the session closes the control socket; the agent
// exits and every process left in the sandbox dies with its pid namespace
// (SIGKILL to bwrap after 1 s if that does not happen). If sluice dies,
// however it dies, the kernel closes the socket and the same happens; a
// command whose Run() gave up (its command socket closed) gets SIGKILL. If
// the agent dies during the session, the next command starts a new one.
//
// Thread-safe: Run() may be called from many threads at once (parallel
// steps). The session must not outlive the fallback runner.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "runner/process.h"

namespace sluice::runner {

class SandboxSession final : public ProcessRunner {
 public:
  SandboxSession(std::vector<Mount> mounts, ProcessRunner& fallback);
  ~SandboxSession() override;
  SandboxSession(const SandboxSession&) = delete;
  SandboxSession& operator=(const SandboxSession&) = delete;

  // IoError when the sandbox cannot start (its bwrap message included) or
  // the command cannot (missing program or working directory, as
  // LocalProcessRunner words them).
  Result<ProcessResult> Run(const ProcessSpec& spec, LineSink& sink,
                            const Cancellation& cancel) override;

 private:
  class Agent;
  // Sends one command's descriptors to the agent, starting it first if
  // needed (or again, once, if it has died).
  Status SendCommand(char tag, const std::vector<int>& fds);

  // Constant after construction.
  const std::vector<Mount> mounts_;
  ProcessRunner& fallback_;

  std::mutex mu_;
  std::unique_ptr<Agent> agent_;  // guarded by mu_; null until the first command
};

}  // namespace sluice::runner
