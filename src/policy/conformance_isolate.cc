// Running conformance cases in a child process (POSIX), so that a case that
// crashes the evaluator (a stack overflow on runaway recursion, an assert)
// or never ends fails alone instead of ending the whole run.
//
// One worker process (fork, sharing the loaded suite copy-on-write) runs
// the cases in order and reports each outcome on a pipe as a frame:
//   u32 index, u8 passed, u32 size + expected, u32 size + got (little endian).
// The parent knows which case a worker is on: the one after the last frame.
// When the worker dies, that case fails as crashed; when no frame arrives
// within the case timeout, the worker is killed and the case fails as timed
// out. Either way a new worker carries on with the next case.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "policy/conformance_internal.h"

namespace sluice::policy::conformance::internal {

namespace {

void AppendU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

uint32_t ReadU32(const std::string& in, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    v |= static_cast<uint32_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  }
  return v;
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// The child: runs cases[start..] and reports each; never returns.
[[noreturn]] void WorkerMain(int fd, const std::vector<Case>& cases, size_t start,
                             const QueryFunction& query) {
  // A crashing case is reported, not dumped: no core files in the cwd.
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  // Whatever the evaluator prints must not end up in the report on stdout.
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (devnull >= 0) dup2(devnull, STDOUT_FILENO);
  for (size_t i = start; i < cases.size(); ++i) {
    Outcome o = RunCase(cases[i], query);
    std::string frame;
    AppendU32(frame, static_cast<uint32_t>(i));
    frame += static_cast<char>(o.passed ? 1 : 0);
    AppendU32(frame, static_cast<uint32_t>(o.expected.size()));
    frame += o.expected;
    AppendU32(frame, static_cast<uint32_t>(o.got.size()));
    frame += o.got;
    if (!WriteAll(fd, frame)) _exit(3);
  }
  // _exit: no atexit handlers or stdio flushes of the parent's buffers.
  _exit(0);
}

// Takes every complete frame off the front of `buffer`.
void TakeFrames(std::string& buffer, std::vector<Outcome>& outcomes, size_t& next) {
  size_t at = 0;
  while (buffer.size() - at >= 9) {
    uint32_t index = ReadU32(buffer, at);
    bool passed = buffer[at + 4] != 0;
    uint32_t expected_size = ReadU32(buffer, at + 5);
    if (buffer.size() - at < 9 + static_cast<size_t>(expected_size) + 4) break;
    size_t got_at = at + 9 + expected_size;
    uint32_t got_size = ReadU32(buffer, got_at);
    if (buffer.size() - got_at - 4 < got_size) break;
    Outcome& o = outcomes[index];
    o.passed = passed;
    o.expected = buffer.substr(at + 9, expected_size);
    o.got = buffer.substr(got_at + 4, got_size);
    next = static_cast<size_t>(index) + 1;
    at = got_at + 4 + got_size;
  }
  buffer.erase(0, at);
}

std::string DescribeDeath(int status) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    return "crashed: the evaluator was killed by signal " + std::to_string(sig) + " (" +
           strsignal(sig) + ")";
  }
  if (WIFEXITED(status)) {
    return "crashed: the evaluator ended the process with exit status " +
           std::to_string(WEXITSTATUS(status));
  }
  return "crashed";
}

void Reap(pid_t pid, int* status) {
  while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

std::vector<Outcome> RunIsolated(const std::vector<Case>& cases, const QueryFunction& query,
                                 std::chrono::milliseconds case_timeout, IsolationStats* stats) {
  std::vector<Outcome> outcomes(cases.size());
  size_t next = 0;  // the first case without an outcome
  while (next < cases.size()) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      // Cannot isolate: run the rest in this process rather than not at all.
      for (; next < cases.size(); ++next) outcomes[next] = RunCase(cases[next], query);
      break;
    }
    std::fflush(nullptr);  // a child must not inherit half-written output
    pid_t pid = fork();
    if (pid < 0) {
      close(fds[0]);
      close(fds[1]);
      for (; next < cases.size(); ++next) outcomes[next] = RunCase(cases[next], query);
      break;
    }
    if (pid == 0) {
      close(fds[0]);
      WorkerMain(fds[1], cases, next, query);
    }
    close(fds[1]);

    std::string buffer;
    int status = 0;
    bool timed_out = false;
    for (;;) {
      pollfd pfd{fds[0], POLLIN, 0};
      int wait_ms = case_timeout.count() > 0 ? static_cast<int>(case_timeout.count()) : -1;
      int ready = poll(&pfd, 1, wait_ms);
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) {
        timed_out = true;
        kill(pid, SIGKILL);
        break;
      }
      char chunk[1 << 16];
      ssize_t n = read(fds[0], chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the worker is gone
      buffer.append(chunk, static_cast<size_t>(n));
      TakeFrames(buffer, outcomes, next);
    }
    close(fds[0]);
    Reap(pid, &status);
    if (next >= cases.size()) break;
    // The worker ended, or was killed, during cases[next].
    Outcome& o = outcomes[next];
    o.passed = false;
    o.expected = DescribeExpected(cases[next]);
    if (timed_out) {
      o.got = "timed out: no result after " + std::to_string(case_timeout.count()) + " ms";
      if (stats != nullptr) ++stats->timed_out;
    } else {
      o.got = DescribeDeath(status);
      if (stats != nullptr) ++stats->crashed;
    }
    ++next;
  }
  return outcomes;
}

}  // namespace sluice::policy::conformance::internal
