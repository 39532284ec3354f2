#include "runner/stage_agent.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "runner/agent_protocol.h"
#include "runner/executable.h"
#include "runner/fd.h"
#include "runner/spawn.h"

namespace sluice::runner {

namespace {

// Errors are ignored: if sluice is gone there is nobody to tell.
void Reply(int sock, char tag, std::string_view text) {
  std::string payload(1, tag);
  payload.append(text);
  (void)WriteFrame(sock, payload);
}

std::string SearchPath(const std::vector<std::string>& env) {
  for (const std::string& e : env) {
    if (e.rfind("PATH=", 0) == 0) return e.substr(5);
  }
  return std::string(kDefaultPath);
}

// The monitor of one command, in a process of its own (forked from the
// agent): starts it, relays signal requests to its group, reports how it
// ended. Never returns.
[[noreturn]] void Monitor(UniqueFd sock, UniqueFd out, UniqueFd err, UniqueFd in) {
  ::signal(SIGCHLD, SIG_DFL);  // the agent ignores it; we wait for our child
  auto frame = ReadFrame(sock.get());
  if (!frame.ok()) ::_exit(0);
  auto request = DecodeSpawnRequest(*frame);
  if (!request) {
    Reply(sock.get(), kNotStarted, "stage agent: malformed spawn request");
    ::_exit(0);
  }
  if (!request->working_dir.empty()) {
    struct stat st;
    if (::stat(request->working_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      Reply(sock.get(), kNotStarted, "working directory does not exist: " + request->working_dir);
      ::_exit(0);
    }
  }
  // Resolved here, inside the mounts, with the command's own PATH (as bwrap
  // would execvp it).
  auto program = ResolveExecutable(request->argv[0], SearchPath(request->env));
  if (!program.ok()) {
    Reply(sock.get(), kNotStarted, program.status().message());
    ::_exit(0);
  }
  SpawnArgs args{*program, request->argv, request->env, request->working_dir,
                 in.get(), out.get(),     err.get()};
  auto spawned = SpawnGroupLeader(args);
  if (!spawned.ok()) {
    Reply(sock.get(), kNotStarted, spawned.status().message());
    ::_exit(0);
  }
  const pid_t pid = *spawned;
  in.Reset();
  out.Reset();
  err.Reset();
  Reply(sock.get(), kStarted, "");

  UniqueFd pidfd(PidfdOpen(pid));
  bool peer_open = true;
  for (;;) {
    pollfd fds[2];
    nfds_t n = 0;
    int sock_i = -1;
    if (peer_open) {
      sock_i = static_cast<int>(n);
      fds[n++] = pollfd{sock.get(), POLLIN, 0};
    }
    if (pidfd.valid()) fds[n++] = pollfd{pidfd.get(), POLLIN, 0};
    int ready = ::poll(fds, n, pidfd.valid() ? -1 : 10);
    if (ready > 0 && sock_i >= 0 && fds[sock_i].revents != 0) {
      char buf[64];
      ssize_t got = ::recv(sock.get(), buf, sizeof buf, MSG_DONTWAIT);
      if (got > 0) {
        for (ssize_t i = 0; i < got; ++i) {
          if (buf[i] == kSignalTerm) ::kill(-pid, SIGTERM);
          if (buf[i] == kSignalKill) ::kill(-pid, SIGKILL);
        }
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        // sluice gave up on the command: it must not outlive that.
        peer_open = false;
        ::kill(-pid, SIGKILL);
      }
    }
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == pid) {
      break;
    }
  }
  // The leader is a zombie, so its pid (the group id) is still ours: end the
  // rest of the group, as LocalProcessRunner does on the host.
  ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (peer_open) {
    char message[1 + sizeof(int32_t)];
    message[0] = kExited;
    int32_t s = status;
    std::memcpy(message + 1, &s, sizeof s);
    (void)WriteAll(sock.get(), std::string_view(message, sizeof message));
  }
  ::_exit(0);
}

}  // namespace

Result<std::string> FindStageAgent() {
  return FindBesideSelf(kStageAgentName, "SLUICE_STAGE_AGENT");
}

int RunStageAgent(int control_fd) {
  // Writes to a socket sluice closed must not kill us; monitors are reaped
  // by the kernel. Commands get default dispositions back (runner/spawn.h).
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGCHLD, SIG_IGN);
  UniqueFd control(control_fd);
  ::fcntl(control.get(), F_SETFD, FD_CLOEXEC);
  if (!WriteAll(control.get(), AgentHello()).ok()) return 1;
  for (;;) {
    auto got = ReceiveWithFds(control.get());
    if (!got.ok()) return 1;
    if (got->tag == 0) return 0;  // sluice closed the session: the stage is over
    bool with_stdin = got->tag == kCommandWithStdin;
    size_t expected = with_stdin ? 4 : 3;
    if ((got->tag != kCommandNoStdin && !with_stdin) || got->fds.size() != expected) continue;
    pid_t child = ::fork();
    if (child == 0) {
      control.Reset();
      Monitor(std::move(got->fds[0]), std::move(got->fds[1]), std::move(got->fds[2]),
              with_stdin ? std::move(got->fds[3]) : UniqueFd());
    }
    if (child < 0) {
      Reply(got->fds[0].get(), kNotStarted,
            std::string("stage agent: cannot fork: ") + std::strerror(errno));
    }
    // Our copies of the command's descriptors close here.
  }
}

}  // namespace sluice::runner
