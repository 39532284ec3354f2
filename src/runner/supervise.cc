#include "runner/supervise.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "runner/line_buffer.h"
#include "runner/output_barrier.h"

namespace sluice::runner {

namespace {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;

constexpr Millis kDrainIdle{100};
constexpr Millis kDrainMax{1000};
// Without an exit descriptor the leader's exit is polled this often.
constexpr Millis kExitPollFallback{10};

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

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

Result<ProcessResult> Supervise(LeaderHandle& leader, CommandPipes pipes, const ProcessSpec& spec,
                                LineSink& sink, const Cancellation& cancel, TimePoint start) {
  ProcessResult result;
  UniqueFd& out = pipes.out;
  UniqueFd& err = pipes.err;
  UniqueFd& in = pipes.in;
  SetNonBlocking(out.get());
  SetNonBlocking(err.get());
  if (in.valid()) SetNonBlocking(in.get());

  LineBuffer out_lines(StreamKind::kStdout, sink);
  LineBuffer err_lines(StreamKind::kStderr, sink);
  size_t stdin_written = 0;

  // TimePoint::max() = not set.
  const TimePoint deadline = spec.timeout ? start + *spec.timeout : TimePoint::max();
  TimePoint kill_at = TimePoint::max();  // SIGKILL after SIGTERM's grace
  bool terminating = false;              // SIGTERM sent
  bool exited = false;                   // leader exited (not necessarily reaped)
  TimePoint drain_idle_until{}, drain_until{};

  auto begin_termination = [&](TimePoint now) {
    terminating = true;
    leader.SignalGroup(SIGTERM);
    kill_at = now + spec.kill_grace;
  };

  // Reads once from `fd`; at EOF or error the pipe is done.
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

  // For the output barrier: reads what `fd` holds now, and no more, so a
  // command that keeps writing cannot hold the barrier up.
  auto read_held = [&](UniqueFd& fd, LineBuffer& lines) {
    int held = 0;
    if (!fd.valid() || ::ioctl(fd.get(), FIONREAD, &held) != 0) return;
    while (held > 0 && fd.valid()) {
      size_t want = std::min(buf.size(), static_cast<size_t>(held));
      ssize_t n = ::read(fd.get(), buf.data(), want);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        read_some(fd, lines);  // EOF or an error: the pipe is done
        return;
      }
      lines.Append(std::string_view(buf.data(), static_cast<size_t>(n)));
      held -= static_cast<int>(n);
    }
  };
  OutputBarrier* barrier = spec.output_barrier.get();

  std::vector<pollfd> fds;
  while (true) {
    TimePoint now = SteadyClock::now();
    if (!exited) {
      if (!terminating && now >= deadline) {
        result.timed_out = true;
        begin_termination(now);
      }
      if (now >= kill_at) {
        leader.SignalGroup(SIGKILL);
        kill_at = TimePoint::max();
      }
    } else if ((!out.valid() && !err.valid()) || now >= drain_idle_until || now >= drain_until) {
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
      if (leader.exit_fd() < 0) consider(now + kExitPollFallback);
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
    size_t out_i = out.valid() ? add(out.get(), POLLIN) : kNone;
    size_t err_i = err.valid() ? add(err.get(), POLLIN) : kNone;
    size_t in_i = in.valid() ? add(in.get(), POLLOUT) : kNone;
    size_t cancel_i =
        (!exited && !result.cancelled && cancel.fd() >= 0) ? add(cancel.fd(), POLLIN) : kNone;
    size_t exit_i = (!exited && leader.exit_fd() >= 0) ? add(leader.exit_fd(), POLLIN) : kNone;
    size_t barrier_i =
        (barrier != nullptr && barrier->fd() >= 0) ? add(barrier->fd(), POLLIN) : kNone;

    int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR) {
      int e = errno;
      leader.SignalGroup(SIGKILL);
      leader.Finish(&result);
      return Status::IoError(std::string("poll failed: ") + std::strerror(e));
    }
    now = SteadyClock::now();
    auto is_ready = [&](size_t i) { return i != kNone && ready > 0 && fds[i].revents != 0; };

    bool got_output = false;
    if (is_ready(out_i)) {
      read_some(out, out_lines);
      got_output = true;
    }
    if (is_ready(err_i)) {
      read_some(err, err_lines);
      got_output = true;
    }
    if (is_ready(barrier_i)) {
      read_held(out, out_lines);
      read_held(err, err_lines);
      for (auto& then : barrier->TakeReady()) then();
    }
    if (exited && got_output) drain_idle_until = now + kDrainIdle;
    if (is_ready(in_i)) {
      ssize_t n = WriteNoSigpipe(in.get(), spec.stdin_data.data() + stdin_written,
                                 spec.stdin_data.size() - stdin_written);
      if (n > 0) stdin_written += static_cast<size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || stdin_written == spec.stdin_data.size()) {
        in.Reset();
      }
    }
    if ((is_ready(cancel_i) || (cancel.fd() < 0 && cancel.cancelled())) && !result.cancelled &&
        !exited) {
      result.cancelled = true;
      if (!terminating) begin_termination(now);
    }
    if (!exited && (exit_i == kNone || is_ready(exit_i)) && leader.Exited()) {
      exited = true;
      in.Reset();
      drain_idle_until = now + kDrainIdle;
      drain_until = now + kDrainMax;
    }
  }

  leader.Finish(&result);
  result.duration = std::chrono::duration_cast<Millis>(SteadyClock::now() - start);
  out_lines.Flush();
  err_lines.Flush();
  return result;
}

}  // namespace sluice::runner
