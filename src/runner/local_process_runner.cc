// LocalProcessRunner: posix_spawn + a poll() loop over the output pipes, the
// cancellation fd, a pidfd for the leader and the deadlines.
//
// Lifecycle of one Run():
//  1. Spawn the command in a new session (POSIX_SPAWN_SETSID), so its pid is
//     also its process-group id; signal dispositions and mask reset; every
//     other descriptor of ours closed in the child.
//  2. Loop: deliver output lines, feed stdin, watch the deadline and the
//     cancellation. On timeout/cancel: SIGTERM to the group, SIGKILL to the
//     group `kill_grace` later.
//  3. When the leader exits (seen with waitid(WNOWAIT), so it stays a zombie
//     and its pid — the group id — cannot be reused yet), the step is over,
//     as on Harness: the rest of the group gets SIGKILL at once. Background
//     processes are not expected to outlive their step (Background steps are
//     a separate mechanism). Output already in the pipes is still read until
//     EOF; if something outside the group (a daemon that called setsid())
//     still holds a pipe, we stop after 100 ms without output (at most 1 s).
//  4. Reap the leader.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "runner/executable.h"
#include "runner/fd.h"
#include "runner/line_buffer.h"
#include "runner/process.h"
#include "runner/sandbox.h"

namespace sluice::runner {

namespace {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;

constexpr Millis kDrainIdle{100};
constexpr Millis kDrainMax{1000};
// Without a pidfd (kernel < 5.3) the leader's exit is polled this often.
constexpr Millis kExitPollFallback{10};

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

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// posix_spawn attributes and file actions, destroyed with the object.
class SpawnConfig {
 public:
  SpawnConfig() {
    ::posix_spawnattr_init(&attr);
    ::posix_spawn_file_actions_init(&actions);
  }
  ~SpawnConfig() {
    ::posix_spawnattr_destroy(&attr);
    ::posix_spawn_file_actions_destroy(&actions);
  }
  SpawnConfig(const SpawnConfig&) = delete;
  SpawnConfig& operator=(const SpawnConfig&) = delete;

  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
};

// argv/envp as the NULL-terminated char* arrays exec wants.
std::vector<char*> CArray(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int PidfdOpen(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

// Writes to a pipe whose reader may be gone without raising SIGPIPE in this
// process: SIGPIPE is blocked for this thread during the write and a signal
// the write raised is consumed.
ssize_t WriteNoSigpipe(int fd, const char* data, size_t size) {
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  sigset_t pending;
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  ssize_t n = ::write(fd, data, size);
  int err = errno;
  if (n < 0 && err == EPIPE && !was_pending) {
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  errno = err;
  return n;
}

int RemainingMs(TimePoint now, TimePoint until) {
  if (until <= now) return 0;
  auto ms = std::chrono::ceil<Millis>(until - now).count();
  return static_cast<int>(std::min<int64_t>(ms, 1'000'000));
}

}  // namespace

Result<ProcessResult> LocalProcessRunner::Run(const ProcessSpec& spec, LineSink& sink,
                                              const Cancellation& cancel) {
  if (spec.argv.empty()) return Status::InvalidArgument("empty command");
  ProcessResult result;
  if (cancel.cancelled()) {
    result.cancelled = true;
    return result;
  }

  // --- Build the command line (resolving the program first). ---
  // The program keeps the argv[0] it was given (shells print it in errors).
  const bool sandboxed = !spec.mounts.empty();
  std::vector<std::string> argv = spec.argv;
  std::string program;
  if (sandboxed) {
    // The host filesystem is visible in the sandbox, so a missing program is
    // detected on the host. bwrap execvp()s the command with spec.env's PATH
    // (glibc's default without one), so pass the resolved path only when
    // spec.env has no PATH.
    SLUICE_ASSIGN_OR_RETURN(std::string resolved,
                            ResolveExecutable(argv[0], SearchPathOf(spec.env)));
    if (spec.env.count("PATH") == 0) argv[0] = resolved;
    SLUICE_ASSIGN_OR_RETURN(program, FindBubblewrap());
    SLUICE_ASSIGN_OR_RETURN(argv, SandboxArgv(program, spec, argv));
  } else {
    SLUICE_ASSIGN_OR_RETURN(program, ResolveExecutable(argv[0], SearchPathOf(spec.env)));
    if (!spec.working_dir.empty()) {
      struct stat st;
      if (::stat(spec.working_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return Status::IoError("working directory does not exist: " + spec.working_dir);
      }
    }
  }
  std::vector<std::string> env_strings;
  env_strings.reserve(spec.env.size());
  for (const auto& [k, v] : spec.env) {
    std::string& entry = env_strings.emplace_back(k);
    entry.append("=").append(v);
  }
  std::vector<char*> c_argv = CArray(argv);
  std::vector<char*> c_env = CArray(env_strings);

  // --- Pipes and spawn configuration. ---
  SLUICE_ASSIGN_OR_RETURN(Pipe out, MakePipe());
  SLUICE_ASSIGN_OR_RETURN(Pipe err, MakePipe());
  Pipe in;
  if (!spec.stdin_data.empty()) {
    SLUICE_ASSIGN_OR_RETURN(in, MakePipe());
  }

  SpawnConfig config;
  sigset_t empty_mask, all_signals;
  sigemptyset(&empty_mask);
  sigfillset(&all_signals);
  ::posix_spawnattr_setflags(&config.attr,
                             POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  ::posix_spawnattr_setsigmask(&config.attr, &empty_mask);
  // Ignored signals survive exec; a command must not inherit e.g. SIG_IGN for
  // SIGPIPE from us.
  ::posix_spawnattr_setsigdefault(&config.attr, &all_signals);
  if (in.read.valid()) {
    ::posix_spawn_file_actions_adddup2(&config.actions, in.read.get(), 0);
  } else {
    ::posix_spawn_file_actions_addopen(&config.actions, 0, "/dev/null", O_RDONLY, 0);
  }
  ::posix_spawn_file_actions_adddup2(&config.actions, out.write.get(), 1);
  ::posix_spawn_file_actions_adddup2(&config.actions, err.write.get(), 2);
  // Descriptors other threads opened without O_CLOEXEC must not leak into
  // the command (a leaked pipe end would keep another step's pipe open).
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
  ::posix_spawn_file_actions_addclosefrom_np(&config.actions, 3);
#endif
  if (!sandboxed && !spec.working_dir.empty()) {
    ::posix_spawn_file_actions_addchdir_np(&config.actions, spec.working_dir.c_str());
  }

  const TimePoint start = SteadyClock::now();
  pid_t pid = -1;
  int spawn_err = ::posix_spawn(&pid, program.c_str(), &config.actions, &config.attr, c_argv.data(),
                                c_env.data());
  if (spawn_err != 0) return Errno("cannot run " + spec.argv[0], spawn_err);

  // --- Parent side. ---
  in.read.Reset();
  out.write.Reset();
  err.write.Reset();
  SetNonBlocking(out.read.get());
  SetNonBlocking(err.read.get());
  if (in.write.valid()) SetNonBlocking(in.write.get());
  UniqueFd pidfd(PidfdOpen(pid));

  LineBuffer out_lines(StreamKind::kStdout, sink);
  LineBuffer err_lines(StreamKind::kStderr, sink);
  size_t stdin_written = 0;

  // TimePoint::max() = not set.
  const TimePoint deadline = spec.timeout ? start + *spec.timeout : TimePoint::max();
  TimePoint kill_at = TimePoint::max();  // SIGKILL after SIGTERM's grace
  bool terminating = false;              // SIGTERM sent
  bool exited = false;                   // leader exited (zombie, not reaped)
  TimePoint drain_idle_until{}, drain_until{};

  auto begin_termination = [&](TimePoint now) {
    terminating = true;
    ::kill(-pid, SIGTERM);
    kill_at = now + spec.kill_grace;
  };

  // Reads once from `fd`; returns false at EOF or error (the pipe is done).
  std::array<char, LineBuffer::kMaxLineBytes> buf;
  auto read_some = [&](UniqueFd& fd, LineBuffer& lines) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n > 0) {
      lines.Append(std::string_view(buf.data(), static_cast<size_t>(n)));
      return;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    lines.Flush();
    fd.Reset();
  };

  std::vector<pollfd> fds;
  while (true) {
    TimePoint now = SteadyClock::now();
    if (!exited) {
      if (!terminating && now >= deadline) {
        result.timed_out = true;
        begin_termination(now);
      }
      if (now >= kill_at) {
        ::kill(-pid, SIGKILL);
        kill_at = TimePoint::max();
      }
    } else if ((!out.read.valid() && !err.read.valid()) || now >= drain_idle_until ||
               now >= drain_until) {
      break;
    }

    // Wait for the nearest event.
    int timeout_ms = -1;
    auto consider = [&](TimePoint t) {
      if (t == TimePoint::max()) return;
      int ms = RemainingMs(now, t);
      timeout_ms = timeout_ms < 0 ? ms : std::min(timeout_ms, ms);
    };
    if (!exited) {
      if (!terminating) consider(deadline);
      consider(kill_at);
      if (!pidfd.valid()) consider(now + kExitPollFallback);
      if (cancel.fd() < 0 && !result.cancelled) consider(now + kExitPollFallback);
    } else {
      consider(std::min(drain_idle_until, drain_until));
    }
    fds.clear();
    auto add = [&](int fd, short events) {
      fds.push_back(pollfd{fd, events, 0});
      return fds.size() - 1;
    };
    constexpr size_t kNone = static_cast<size_t>(-1);
    size_t out_i = out.read.valid() ? add(out.read.get(), POLLIN) : kNone;
    size_t err_i = err.read.valid() ? add(err.read.get(), POLLIN) : kNone;
    size_t in_i = in.write.valid() ? add(in.write.get(), POLLOUT) : kNone;
    size_t cancel_i =
        (!exited && !result.cancelled && cancel.fd() >= 0) ? add(cancel.fd(), POLLIN) : kNone;
    size_t pid_i = (!exited && pidfd.valid()) ? add(pidfd.get(), POLLIN) : kNone;

    int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR) {
      int e = errno;
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      return Errno("poll failed", e);
    }
    now = SteadyClock::now();
    auto is_ready = [&](size_t i) { return i != kNone && ready > 0 && fds[i].revents != 0; };

    bool got_output = false;
    if (is_ready(out_i)) {
      read_some(out.read, out_lines);
      got_output = true;
    }
    if (is_ready(err_i)) {
      read_some(err.read, err_lines);
      got_output = true;
    }
    if (exited && got_output) drain_idle_until = now + kDrainIdle;
    if (is_ready(in_i)) {
      ssize_t n = WriteNoSigpipe(in.write.get(), spec.stdin_data.data() + stdin_written,
                                 spec.stdin_data.size() - stdin_written);
      if (n > 0) stdin_written += static_cast<size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || stdin_written == spec.stdin_data.size()) {
        in.write.Reset();
      }
    }
    if ((is_ready(cancel_i) || (cancel.fd() < 0 && cancel.cancelled())) && !result.cancelled &&
        !exited) {
      result.cancelled = true;
      if (!terminating) begin_termination(now);
    }
    if (!exited && (pid_i == kNone || is_ready(pid_i))) {
      siginfo_t info{};
      if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
          info.si_pid == pid) {
        exited = true;
        // The step is over: end whatever else is left of the group.
        ::kill(-pid, SIGKILL);
        in.write.Reset();
        drain_idle_until = now + kDrainIdle;
        drain_until = now + kDrainMax;
      }
    }
  }

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.duration = std::chrono::duration_cast<Millis>(SteadyClock::now() - start);
  out_lines.Flush();
  err_lines.Flush();
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace sluice::runner
