#include "runner/orphans.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/ids.h"

namespace sluice::runner {
namespace {

TEST(OrphansTest, FindsAndKillsProcessesByExecutionId) {
  std::string id = "orphan-test-" + RandomHex(6);
  std::string env_entry = "HARNESS_EXECUTION_ID=" + id;
  char* argv[] = {const_cast<char*>("/bin/sleep"), const_cast<char*>("30"), nullptr};
  char* envp[] = {env_entry.data(), nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, "/bin/sleep", nullptr, nullptr, argv, envp), 0);
  // A process that has just been started may not show its environment yet.
  std::vector<pid_t> found;
  for (int i = 0; i < 100; ++i) {
    found = ProcessesOfExecution(id);
    if (std::find(found.begin(), found.end(), pid) != found.end()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(std::find(found.begin(), found.end(), pid), found.end());
  EXPECT_TRUE(ProcessesOfExecution(id + "x").empty());  // whole entries only
  EXPECT_EQ(KillProcessesOfExecution(id), 1);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

}  // namespace
}  // namespace sluice::runner
