// LocalProcessRunner: posix_spawn + the Supervise() loop, with the leader
// watched through a pidfd.
//
// Lifecycle of one Run():
//  1. Spawn the command in a new session (runner/spawn.h), so its pid is also
//     its process-group id. In a sandbox the leader is bwrap (one per
//     command); runner/sandbox_session.h is the cheaper way for many.
//  2. Supervise() delivers output, feeds stdin, and on timeout/cancel sends
//     SIGTERM to the group, SIGKILL `kill_grace` later.
//  3. When the leader exits (seen with waitid(WNOWAIT), so it stays a zombie
//     and its pid — the group id — cannot be reused yet), the step is over,
//     as on Harness: the rest of the group gets SIGKILL at once. Output
//     already in the pipes is still read (see runner/supervise.h).
//  4. Reap the leader.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "runner/executable.h"
#include "runner/fd.h"
#include "runner/output_barrier.h"
#include "runner/process.h"
#include "runner/sandbox.h"
#include "runner/sandbox_session.h"
#include "runner/spawn.h"
#include "runner/stage_agent.h"
#include "runner/supervise.h"

namespace sluice::runner {

namespace {

Status Errno(const std::string& what, int err) {
  return Status::IoError(what + ": " + std::strerror(err));
}

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

Result<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Errno("cannot create a pipe", errno);
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Our own child, the leader of its group.
class ChildLeader final : public LeaderHandle {
 public:
  explicit ChildLeader(pid_t pid) : pid_(pid), pidfd_(PidfdOpen(pid)) {}

  void SignalGroup(int sig) override { ::kill(-pid_, sig); }
  int exit_fd() const override { return pidfd_.get(); }
  bool Exited() override {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
        info.si_pid != pid_) {
      return false;
    }
    // The step is over: end whatever else is left of the group.
    ::kill(-pid_, SIGKILL);
    return true;
  }
  void Finish(ProcessResult* result) override {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
      result->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      result->term_signal = WTERMSIG(status);
    }
  }

 private:
  pid_t pid_;
  UniqueFd pidfd_;
};

std::vector<std::string> EnvStrings(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [k, v] : env) {
    std::string& entry = out.emplace_back(k);
    entry.append("=").append(v);
  }
  return out;
}

// Forwards every command to another runner; the default session.
class ForwardingRunner final : public ProcessRunner {
 public:
  explicit ForwardingRunner(ProcessRunner& target) : target_(target) {}
  Result<ProcessResult> Run(const ProcessSpec& spec, LineSink& sink,
                            const Cancellation& cancel) override {
    return target_.Run(spec, sink, cancel);
  }

 private:
  ProcessRunner& target_;
};

}  // namespace

std::unique_ptr<ProcessRunner> ProcessRunner::OpenSession(const std::vector<Mount>& mounts) {
  (void)mounts;
  return std::make_unique<ForwardingRunner>(*this);
}

std::unique_ptr<ProcessRunner> LocalProcessRunner::OpenSession(const std::vector<Mount>& mounts) {
  // Without the agent executable every command keeps its own bwrap: slower,
  // but the same behaviour.
  if (mounts.empty() || !FindStageAgent().ok()) return ProcessRunner::OpenSession(mounts);
  return std::make_unique<SandboxSession>(mounts, *this);
}

Result<ProcessResult> LocalProcessRunner::Run(const ProcessSpec& spec, LineSink& sink,
                                              const Cancellation& cancel) {
  if (spec.argv.empty()) return Status::InvalidArgument("empty command");
  // Watched from before the command starts until its last line is delivered.
  OutputBarrier::Watch watch(spec.output_barrier.get());
  ProcessResult result;
  if (cancel.cancelled()) {
    result.cancelled = true;
    return result;
  }

  // --- Build the command line (resolving the program first). ---
  // The program keeps the argv[0] it was given (shells print it in errors).
  const bool sandboxed = !spec.mounts.empty() || !spec.root_dir.empty();
  SpawnArgs args;
  args.argv = spec.argv;
  if (!spec.root_dir.empty()) {
    // The program is inside the image: bwrap execvp()s it there.
    SLUICE_ASSIGN_OR_RETURN(args.program, FindBubblewrap());
    SLUICE_ASSIGN_OR_RETURN(args.argv, SandboxArgv(args.program, spec, args.argv));
  } else if (sandboxed) {
    // The host filesystem is visible in the sandbox, so a missing program is
    // detected on the host. bwrap execvp()s the command with spec.env's PATH
    // (glibc's default without one), so pass the resolved path only when
    // spec.env has no PATH.
    SLUICE_ASSIGN_OR_RETURN(std::string resolved,
                            ResolveExecutable(args.argv[0], SearchPathOf(spec.env)));
    if (spec.env.count("PATH") == 0) args.argv[0] = resolved;
    SLUICE_ASSIGN_OR_RETURN(args.program, FindBubblewrap());
    SLUICE_ASSIGN_OR_RETURN(args.argv, SandboxArgv(args.program, spec, args.argv));
  } else {
    SLUICE_ASSIGN_OR_RETURN(args.program, ResolveExecutable(args.argv[0], SearchPathOf(spec.env)));
    if (!spec.working_dir.empty()) {
      struct stat st;
      if (::stat(spec.working_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return Status::IoError("working directory does not exist: " + spec.working_dir);
      }
      args.working_dir = spec.working_dir;
    }
  }
  args.env = EnvStrings(spec.env);

  // --- Pipes, then the spawn. ---
  SLUICE_ASSIGN_OR_RETURN(Pipe out, MakePipe());
  SLUICE_ASSIGN_OR_RETURN(Pipe err, MakePipe());
  Pipe in;
  if (!spec.stdin_data.empty()) {
    SLUICE_ASSIGN_OR_RETURN(in, MakePipe());
  }
  args.stdin_fd = in.read.get();
  args.stdout_fd = out.write.get();
  args.stderr_fd = err.write.get();

  const auto start = std::chrono::steady_clock::now();
  SLUICE_ASSIGN_OR_RETURN(pid_t pid, SpawnGroupLeader(args));
  ChildLeader leader(pid);
  // The child's ends: ours must close or the pipes never reach EOF.
  in.read.Reset();
  out.write.Reset();
  err.write.Reset();
  return Supervise(leader,
                   CommandPipes{std::move(out.read), std::move(err.read), std::move(in.write)},
                   spec, sink, cancel, start);
}

}  // namespace sluice::runner
