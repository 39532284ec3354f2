#include "serve/instance_memory.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

TEST(InstanceMemoryTest, TheTreesPeakCountsTheProcessAndItsChildren) {
  Sleeper sleeper("X=1");
  ASSERT_TRUE(sleeper.ok());
  int64_t alone = ProcessTreePeakBytes({getpid()});
  EXPECT_GT(alone, 0);
  // This process's tree now holds the shell (and its sleep) too.
  int64_t with_children = 0;
  for (int i = 0; i < 1000 && with_children <= alone; ++i) {
    with_children = ProcessTreePeakBytes({getpid()});
    if (with_children <= alone) ::usleep(10'000);
  }
  EXPECT_GT(with_children, alone);
  EXPECT_EQ(ProcessTreePeakBytes({}), 0);
}

}  // namespace
}  // namespace sluice::serve
