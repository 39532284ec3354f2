#include "runner/sandbox_session.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "runner/agent_protocol.h"
#include "runner/executable.h"
#include "runner/fd.h"
#include "runner/output_barrier.h"
#include "runner/sandbox.h"
#include "runner/spawn.h"
#include "runner/stage_agent.h"
#include "runner/supervise.h"

namespace sluice::runner {

namespace {

constexpr int kStartTimeoutMs = 10'000;
constexpr int kStopTimeoutMs = 1'000;

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

bool SameMounts(const std::vector<Mount>& a, const std::vector<Mount>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].source != b[i].source || a[i].target != b[i].target ||
        a[i].read_only != b[i].read_only) {
      return false;
    }
  }
  return true;
}

// Descriptor pairs, close-on-exec.
Status MakePipe(UniqueFd* read, UniqueFd* write) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Errno("cannot create a pipe");
  read->Reset(fds[0]);
  write->Reset(fds[1]);
  return Status::Ok();
}

Status MakeSocketPair(int type, UniqueFd* ours, UniqueFd* theirs) {
  int fds[2];
  if (::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) != 0) {
    return Errno("cannot create a socket pair");
  }
  ours->Reset(fds[0]);
  theirs->Reset(fds[1]);
  return Status::Ok();
}

std::string ReadAvailable(int fd) {
  std::string text;
  char buf[4096];
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// A command started by the agent, seen through its command socket.
class AgentLeader final : public LeaderHandle {
 public:
  explicit AgentLeader(UniqueFd socket) : socket_(std::move(socket)) {}

  void SignalGroup(int sig) override {
    char c = sig == SIGKILL ? kSignalKill : kSignalTerm;
    (void)::send(socket_.get(), &c, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  int exit_fd() const override { return socket_.get(); }
  bool Exited() override {
    Receive(MSG_DONTWAIT);
    return exited_;
  }
  void Finish(ProcessResult* result) override {
    while (!exited_) Receive(0);
    if (!have_status_) {
      // The agent died with the command still running: the sandbox is
      // gone, and the command with it.
      result->term_signal = SIGKILL;
    } else if (WIFEXITED(status_)) {
      result->exit_code = WEXITSTATUS(status_);
    } else if (WIFSIGNALED(status_)) {
      result->term_signal = WTERMSIG(status_);
    }
  }

 private:
  // Reads what the agent sent; `flags` MSG_DONTWAIT or 0 (block).
  void Receive(int flags) {
    char buf[16];
    ssize_t n = ::recv(socket_.get(), buf, sizeof buf, flags);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
      exited_ = true;  // EOF or error: no status will come
      return;
    }
    pending_.append(buf, static_cast<size_t>(n));
    if (pending_.size() >= 1 + sizeof(int32_t) && pending_[0] == kExited) {
      int32_t s;
      std::memcpy(&s, pending_.data() + 1, sizeof s);
      status_ = s;
      have_status_ = true;
      exited_ = true;
    }
  }

  UniqueFd socket_;
  std::string pending_;
  bool exited_ = false;
  bool have_status_ = false;
  int status_ = 0;
};

}  // namespace

// A running bwrap with the agent inside, and our end of its control socket.
class SandboxSession::Agent {
 public:
  static Result<std::unique_ptr<Agent>> Start(const std::vector<Mount>& mounts) {
    SLUICE_ASSIGN_OR_RETURN(std::string agent_path, FindStageAgent());
    SLUICE_ASSIGN_OR_RETURN(std::string bwrap, FindBubblewrap());
    ProcessSpec layout;
    layout.mounts = mounts;
    SpawnArgs args;
    args.program = bwrap;
    // The agent is the sandbox's pid 1; see runner/stage_agent.h.
    SLUICE_ASSIGN_OR_RETURN(args.argv, SandboxArgv(bwrap, layout, {agent_path, "--control-fd", "3"},
                                                   /*command_is_init=*/true));
    args.env = {"PATH=" + std::string(kDefaultPath)};

    UniqueFd control, remote, err_read, err_write;
    SLUICE_RETURN_IF_ERROR(MakeSocketPair(SOCK_SEQPACKET, &control, &remote));
    SLUICE_RETURN_IF_ERROR(MakePipe(&err_read, &err_write));
    args.stdout_fd = err_write.get();
    args.stderr_fd = err_write.get();
    args.fd3 = remote.get();
    SLUICE_ASSIGN_OR_RETURN(pid_t pid, SpawnGroupLeader(args));
    auto agent = std::make_unique<Agent>(pid, std::move(control));
    remote.Reset();
    err_write.Reset();

    // Wait for the greeting; without it, bwrap's own message says why.
    pollfd p{agent->control_.get(), POLLIN, 0};
    int ready;
    do {
      ready = ::poll(&p, 1, kStartTimeoutMs);
    } while (ready < 0 && errno == EINTR);
    char hello[64] = {};
    ssize_t n = ready > 0 ? ::recv(agent->control_.get(), hello, sizeof hello, MSG_DONTWAIT) : -1;
    if (n <= 0 || std::string(hello, static_cast<size_t>(n)) != AgentHello()) {
      agent.reset();  // stops bwrap, so its stderr is complete
      std::string why = ReadAvailable(err_read.get());
      if (why.empty() && n > 0) {
        why = "unexpected greeting \"" + std::string(hello, static_cast<size_t>(n)) + "\"";
      } else if (why.empty()) {
        why = ready == 0 ? "no answer from the stage agent" : "the stage agent exited";
      }
      return Status::IoError("cannot start the stage sandbox: " + why);
    }
    return agent;
  }

  Agent(pid_t bwrap_pid, UniqueFd control) : bwrap_pid_(bwrap_pid), control_(std::move(control)) {}
  ~Agent() {
    // The agent exits when its control socket closes; the namespace, and
    // everything still in it, ends with it.
    control_.Reset();
    UniqueFd pidfd(PidfdOpen(bwrap_pid_));
    bool gone = false;
    if (pidfd.valid()) {
      pollfd p{pidfd.get(), POLLIN, 0};
      gone = ::poll(&p, 1, kStopTimeoutMs) > 0;
    }
    // Still there: kill bwrap's process group, the agent included (a
    // signal from outside reaches even a namespace's pid 1).
    if (!gone) ::kill(-bwrap_pid_, SIGKILL);
    while (::waitpid(bwrap_pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  int control() const { return control_.get(); }

 private:
  pid_t bwrap_pid_;
  UniqueFd control_;
};

SandboxSession::SandboxSession(std::vector<Mount> mounts, ProcessRunner& fallback)
    : mounts_(std::move(mounts)), fallback_(fallback) {}

SandboxSession::~SandboxSession() = default;

Status SandboxSession::SendCommand(char tag, const std::vector<int>& fds) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int attempt = 0;; ++attempt) {
    if (!agent_) {
      SLUICE_ASSIGN_OR_RETURN(agent_, Agent::Start(mounts_));
    }
    int err = 0;
    Status sent = SendWithFds(agent_->control(), tag, fds, &err);
    if (sent.ok()) return sent;
    bool agent_gone = err == EPIPE || err == ECONNRESET || err == ENOTCONN || err == ECONNREFUSED;
    if (!agent_gone || attempt > 0) return sent;
    agent_.reset();  // start a new one and try again, once
  }
}

Result<ProcessResult> SandboxSession::Run(const ProcessSpec& spec, LineSink& sink,
                                          const Cancellation& cancel) {
  if (!spec.root_dir.empty() || !SameMounts(spec.mounts, mounts_)) {
    return fallback_.Run(spec, sink, cancel);
  }
  if (spec.argv.empty()) return Status::InvalidArgument("empty command");
  // Watched from before the command starts until its last line is delivered.
  OutputBarrier::Watch watch(spec.output_barrier.get());
  ProcessResult result;
  if (cancel.cancelled()) {
    result.cancelled = true;
    return result;
  }

  SpawnRequest request;
  request.argv = spec.argv;
  request.env.reserve(spec.env.size());
  for (const auto& [k, v] : spec.env) request.env.push_back(k + "=" + v);
  request.working_dir = spec.working_dir;

  CommandPipes ours;
  UniqueFd out_write, err_write, in_read, command_remote;
  UniqueFd command;
  SLUICE_RETURN_IF_ERROR(MakePipe(&ours.out, &out_write));
  SLUICE_RETURN_IF_ERROR(MakePipe(&ours.err, &err_write));
  SLUICE_RETURN_IF_ERROR(MakeSocketPair(SOCK_STREAM, &command, &command_remote));
  std::vector<int> fds = {command_remote.get(), out_write.get(), err_write.get()};
  if (!spec.stdin_data.empty()) {
    SLUICE_RETURN_IF_ERROR(MakePipe(&in_read, &ours.in));
    fds.push_back(in_read.get());
  }

  const auto start = std::chrono::steady_clock::now();
  SLUICE_RETURN_IF_ERROR(SendCommand(in_read.valid() ? kCommandWithStdin : kCommandNoStdin, fds));
  // The agent has its own copies now; ours must close or the pipes never
  // reach EOF.
  command_remote.Reset();
  out_write.Reset();
  err_write.Reset();
  in_read.Reset();

  Status sent = WriteFrame(command.get(), EncodeSpawnRequest(request));
  auto reply = sent.ok() ? ReadFrame(command.get()) : Result<std::string>(sent);
  if (!reply.ok()) {
    return Status::IoError("the stage agent stopped before starting " + spec.argv[0]);
  }
  if (reply->empty() || (*reply)[0] != kStarted) {
    return Status::IoError(reply->empty() ? "the stage agent could not start " + spec.argv[0]
                                          : reply->substr(1));
  }
  AgentLeader leader(std::move(command));
  return Supervise(leader, std::move(ours), spec, sink, cancel, start);
}

}  // namespace sluice::runner
