#include "serve/instance_memory.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace sluice::serve {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// VmHWM from /proc/PID/status, in bytes; 0 when unreadable (gone, or a
// kernel thread).
int64_t PeakBytes(pid_t pid) {
  const std::string status = ReadAll("/proc/" + std::to_string(pid) + "/status");
  const size_t at = status.find("\nVmHWM:");
  if (at == std::string::npos) return 0;
  return std::strtoll(status.c_str() + at + 7, nullptr, 10) * 1024;  // kB
}

// The children of every thread of `pid` (/proc/PID/task/TID/children).
void AddChildren(pid_t pid, std::vector<pid_t>* out) {
  std::error_code ec;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
    std::istringstream children(ReadAll((task.path() / "children").string()));
    pid_t child = 0;
    while (children >> child) out->push_back(child);
  }
}

}  // namespace

std::vector<pid_t> ProcessesWithEnvironment(std::string_view entry) {
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& dir : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = dir.path().filename().string();
    char* end = nullptr;
    const long pid = std::strtol(name.c_str(), &end, 10);
    if (name.empty() || *end != '\0' || pid <= 0 || pid == getpid()) continue;
    const std::string env = ReadAll((dir.path() / "environ").string());
    // Entries are NUL-separated; match a whole one.
    for (size_t at = 0; (at = env.find(entry, at)) != std::string::npos; at += entry.size()) {
      const size_t after = at + entry.size();
      if ((at == 0 || env[at - 1] == '\0') && (after == env.size() || env[after] == '\0')) {
        found.push_back(static_cast<pid_t>(pid));
        break;
      }
    }
  }
  return found;
}

int64_t ProcessTreePeakBytes(const std::vector<pid_t>& roots) {
  std::set<pid_t> seen;
  std::vector<pid_t> todo = roots;
  int64_t total = 0;
  while (!todo.empty()) {
    const pid_t pid = todo.back();
    todo.pop_back();
    if (!seen.insert(pid).second) continue;  // a root that is another's child
    total += PeakBytes(pid);
    AddChildren(pid, &todo);
  }
  return total;
}

}  // namespace sluice::serve
