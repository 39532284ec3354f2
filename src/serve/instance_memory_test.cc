#include "serve/instance_memory.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "common/ids.h"

namespace sluice::serve {
namespace {

// A shell that starts a child and waits, with `entry` in its environment.
class Sleeper {
 public:
  explicit Sleeper(std::string entry) : entry_(std::move(entry)) {
    char* argv[] = {const_cast<char*>("/bin/sh"), const_cast<char*>("-c"),
                    const_cast<char*>("sleep 60 & wait"), nullptr};
    char* envp[] = {entry_.data(), nullptr};
    // A process group of its own, so that the sleep dies with the shell.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    ok_ = posix_spawn(&pid_, "/bin/sh", nullptr, &attr, argv, envp) == 0;
    posix_spawnattr_destroy(&attr);
  }
  ~Sleeper() {
    if (!ok_) return;
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  bool ok() const { return ok_; }
  pid_t pid() const { return pid_; }

 private:
  std::string entry_;
  pid_t pid_ = 0;
  bool ok_ = false;
};

TEST(InstanceMemoryTest, ProcessesAreFoundByAWholeEnvironmentEntry) {
  const std::string entry = "AWS_LAMBDA_RUNTIME_API=127.0.0.1:" + RandomHex(6);
  Sleeper sleeper(entry);
  ASSERT_TRUE(sleeper.ok());
  std::vector<pid_t> found;
  // The shell may not have exec'd yet: its environment shows once it has.
  for (int i = 0; i < 1000 && found.empty(); ++i) {
    found = ProcessesWithEnvironment(entry);
    if (found.empty()) ::usleep(10'000);
  }
  EXPECT_NE(std::find(found.begin(), found.end(), sleeper.pid()), found.end());
  EXPECT_TRUE(ProcessesWithEnvironment(entry.substr(0, entry.size() - 1)).empty())
      << "a prefix of the entry is not the entry";
}

// This process's own VmHWM, in bytes.
int64_t OwnPeakBytes() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("VmHWM:")) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

TEST(InstanceMemoryTest, TheTreesPeakCountsTheProcessAndItsChildren) {
  Sleeper sleeper("X=1");
  ASSERT_TRUE(sleeper.ok());
  int64_t shell = 0;
  for (int i = 0; i < 1000 && shell == 0; ++i) {
    shell = ProcessTreePeakBytes({sleeper.pid()});
    if (shell == 0) ::usleep(10'000);
  }
  ASSERT_GT(shell, 0);
  const int64_t own = OwnPeakBytes();
  ASSERT_GT(own, 0);
  // Peaks only grow, so this tree's is at least its parts' measured before.
  EXPECT_GE(ProcessTreePeakBytes({getpid()}), own + shell);
  EXPECT_EQ(ProcessTreePeakBytes({}), 0);
}

}  // namespace
}  // namespace sluice::serve
