// Running one command as a process group, optionally inside a bubblewrap
// mount namespace, with its output streamed line by line.
//
// The command runs in a new session (its own process group). On timeout or
// cancellation the whole group gets SIGTERM, then SIGKILL after a grace
// period, so no process is left behind; in a sandbox bubblewrap also gets
// --unshare-pid --die-with-parent, so even processes that left the group die
// with the namespace. Output is read from pipes with poll(); every complete
// line (and a final unterminated one) is handed to the LineSink from the
// calling thread, stdout and stderr in arrival order; a line longer than
// 64 KiB arrives in 64 KiB pieces.
//
// The command ends when its first process (the leader) exits, as a Harness
// step does: the rest of its process group is then killed (SIGKILL) at once,
// so `server &` does not outlive the step. Output still in the pipes is
// read; a process that left the group (setsid) and keeps a pipe open is
// given up on after 100 ms without output, and on the host it survives
// (in a sandbox it dies with the namespace).
//
// Exit status: exit_code, or term_signal when the leader died from a signal.
// In a sandbox the leader is bwrap, which reports a command killed by signal
// N as exit code 128+N (like a shell); a timeout or cancellation still shows
// as the signal sluice sent to bwrap.
//
// That is LocalProcessRunner, which starts one bwrap per sandboxed command
// (2-3 ms each). For the many commands of one stage, OpenSession() gives a
// runner that keeps one sandbox up for all of them (runner/sandbox_session.h:
// same contract, but the exit status is the command's own and a process that
// left its group lives until the session ends).
//
// LocalProcessRunner has no state: Run() may be called from many threads at
// once. The process must not ignore SIGCHLD (waitpid() has to work).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cancellation.h"
#include "common/duration.h"
#include "common/status.h"

namespace sluice::runner {

class OutputBarrier;

enum class StreamKind { kStdout, kStderr };

class LineSink {
 public:
  virtual ~LineSink() = default;
  // `line` excludes the newline. Called from the thread that called Run().
  virtual void OnLine(StreamKind stream, std::string_view line) = 0;
};

// A bind mount into the sandbox.
struct Mount {
  std::string source;  // host path (created if missing)
  std::string target;  // path seen by the command
  bool read_only = false;
};

struct ProcessSpec {
  // argv[0] is resolved through env's PATH (a default path without one)
  // before anything starts; the command still sees argv[0] as given.
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;      // the complete environment
  std::string working_dir;                     // as seen by the command; "" = ours
  // Non-empty: run under bubblewrap with the host filesystem visible
  // (--dev-bind / /) plus these mounts on top, a fresh /tmp is NOT made:
  // the host's stays visible, like a build VM. Targets must be absolute; a
  // target missing on the host is created inside the sandbox only (see
  // runner/sandbox.h for how, and its one limitation).
  std::vector<Mount> mounts;
  // Non-empty: run under bubblewrap with this host directory as the root
  // filesystem instead of the host's (a container image's root). It is bound
  // read-write at /, with a fresh /proc and a minimal /dev; `mounts` go on
  // top, and a target missing in root_dir is created in it, so root_dir
  // should be a throwaway writable view of the image (runner/overlay.h).
  // The network is the host's. argv[0] is looked up inside the root by
  // bubblewrap with env's PATH: check that it exists there first, since a
  // missing one only shows as bwrap's message and exit code 1.
  std::string root_dir;
  // With root_dir: the root is read-only (a function's image, shared by
  // every instance) instead of bound read-write, with a fresh tmpfs at /tmp
  // as the only writable place; root_dir may be the shared unpacked image.
  bool read_only_root = false;
  // With root_dir: the user and group the command runs as (root when
  // unset), as after a Dockerfile USER. The switch is made inside the
  // sandbox by sluice-run-as, a static helper installed beside sluice and
  // bound at /dev/.sluice-run-as; IoError from Run() when it is missing.
  struct User {
    uint32_t uid = 0;
    uint32_t gid = 0;
  };
  std::optional<User> user;
  std::optional<Millis> timeout;
  Millis kill_grace{2000};                     // SIGTERM → SIGKILL delay
  std::string stdin_data;                      // written to stdin, then closed
  // Set: another thread can wait for the output written so far to reach
  // the sink (runner/output_barrier.h).
  std::shared_ptr<OutputBarrier> output_barrier;
};

struct ProcessResult {
  int exit_code = -1;   // valid when exited normally
  int term_signal = 0;  // the signal that ended it, else 0
  bool timed_out = false;
  bool cancelled = false;
  Millis duration{0};
};

// Seam for tests and for other backends (cluster schedulers later).
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // IoError when the process cannot be started (missing binary or working
  // directory, bwrap absent); once started, every outcome is a
  // ProcessResult. Already cancelled: nothing starts, result.cancelled.
  virtual Result<ProcessResult> Run(const ProcessSpec& spec, LineSink& sink,
                                    const Cancellation& cancel) = 0;

  // A runner for a series of commands that share `mounts` (the steps of one
  // stage), used until it is destroyed; it may keep one sandbox up for all
  // of them. Commands with other mounts (or none) given to it run as this
  // runner would run them. The session must not outlive this runner; it is
  // as thread-safe as this runner. The default forwards to this runner.
  virtual std::unique_ptr<ProcessRunner> OpenSession(const std::vector<Mount>& mounts);
};

// fork/exec on this machine.
class LocalProcessRunner final : public ProcessRunner {
 public:
  Result<ProcessResult> Run(const ProcessSpec& spec, LineSink& sink,
                            const Cancellation& cancel) override;
  // With mounts: a SandboxSession (runner/sandbox_session.h), one bubblewrap
  // and stage agent for every command of the session, when the agent
  // executable is installed; else the default.
  std::unique_ptr<ProcessRunner> OpenSession(const std::vector<Mount>& mounts) override;
};

// True when bubblewrap can create a mount namespace here (checked once).
bool SandboxAvailable();

}  // namespace sluice::runner
