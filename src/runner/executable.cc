#include "runner/executable.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace sluice::runner {

Result<std::string> ResolveExecutable(std::string_view name, std::string_view path_list) {
  if (name.empty()) return Status::InvalidArgument("empty command");
  if (name.find('/') != std::string_view::npos) return std::string(name);
  size_t start = 0;
  while (start <= path_list.size()) {
    size_t end = path_list.find(':', start);
    if (end == std::string_view::npos) end = path_list.size();
    std::string_view dir = path_list.substr(start, end - start);
    // An empty entry means the current directory, as in execvp().
    std::string candidate =
        dir.empty() ? std::string(name) : std::string(dir) + "/" + std::string(name);
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return Status::IoError("executable not found: " + std::string(name) +
                         " (PATH=" + std::string(path_list) + ")");
}

std::string SearchPathOf(const std::map<std::string, std::string>& env) {
  auto it = env.find("PATH");
  return it != env.end() ? it->second : std::string(kDefaultPath);
}

Result<std::string> FindBesideSelf(std::string_view name, const char* env_override) {
  if (const char* env = std::getenv(env_override); env != nullptr && *env != '\0') {
    if (::access(env, X_OK) == 0) return std::string(env);
    return Status::NotFound(std::string(env_override) + " is not executable: " + env);
  }
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return Status::NotFound("cannot locate the running executable");
  std::filesystem::path program = self.parent_path() / name;
  if (::access(program.c_str(), X_OK) != 0) {
    return Status::NotFound(program.string() + " is not installed");
  }
  return program.string();
}

}  // namespace sluice::runner
