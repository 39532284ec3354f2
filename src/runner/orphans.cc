#include "runner/orphans.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice::runner {

std::vector<pid_t> ProcessesOfExecution(const std::string& execution_id) {
  const std::string needle = "HARNESS_EXECUTION_ID=" + execution_id;
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    char* end = nullptr;
    long pid = std::strtol(name.c_str(), &end, 10);
    if (name.empty() || *end != '\0' || pid <= 0 || pid == getpid()) continue;
    std::ifstream in(entry.path() / "environ", std::ios::binary);
    if (!in) continue;
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string env = buffer.str();
    // Entries are NUL-separated; match a whole entry.
    size_t at = 0;
    while ((at = env.find(needle, at)) != std::string::npos) {
      bool starts = at == 0 || env[at - 1] == '\0';
      size_t after = at + needle.size();
      bool ends = after == env.size() || env[after] == '\0';
      if (starts && ends) {
        found.push_back(static_cast<pid_t>(pid));
        break;
      }
      at = after;
    }
  }
  return found;
}

int KillProcessesOfExecution(const std::string& execution_id) {
  std::vector<pid_t> pids = ProcessesOfExecution(execution_id);
  for (pid_t pid : pids) {
    pid_t group = getpgid(pid);
    if (group > 1 && group != getpgrp()) ::kill(-group, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  return static_cast<int>(pids.size());
}

}  // namespace sluice::runner
