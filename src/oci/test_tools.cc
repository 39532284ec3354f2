#include "oci/test_tools.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

extern char** environ;

namespace sluice::oci::testing {

ToolRun RunTool(const std::vector<std::string>& argv) {
  ToolRun run;
  int fds[2];
  if (::pipe(fds) != 0) return run;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  // Only stdout and stderr: a process the tool leaves running (a server a
  // script starts in the background) must not hold the pipe open.
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) run.output.append(buf, size_t(n));
  ::close(fds[0]);
  if (rc != 0) return run;
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

std::string MissingTool(const std::string& name, const std::string& package) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && ::access((std::filesystem::path(dir) / name).c_str(), X_OK) == 0) return "";
  }
  return name +
         " is not installed; this test needs it as an independent reader "
         "(apt-get install " +
         package + ", see scripts/install-deps)";
}

Result<ToolRun> RunRequiredTool(const std::vector<std::string>& argv, const std::string& package) {
  std::string missing = MissingTool(argv.at(0), package);
  if (!missing.empty()) return Status::IoError(missing);
  return RunTool(argv);
}

}  // namespace sluice::oci::testing
