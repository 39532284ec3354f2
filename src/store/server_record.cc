#include "store/server_record.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "common/files.h"

namespace sluice::store {

bool ProcessAlive(int64_t pid) {
  return pid > 0 && pid != getpid() && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

bool IsSluiceProcess(int64_t pid) {
  if (pid <= 0) return false;
  auto cmdline = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
  if (!cmdline.ok() || cmdline->empty()) return false;
  std::string argv0 = cmdline->substr(0, cmdline->find('\0'));
  return std::filesystem::path(argv0).filename() == "sluice";
}

bool IsSluiceServer(int64_t pid) {
  if (!IsSluiceProcess(pid)) return false;
  auto cmdline = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
  if (!cmdline.ok()) return false;
  // Arguments are NUL-separated; "server" as a word of its own is the subcommand.
  return cmdline->find(std::string("\0server\0", 8)) != std::string::npos ||
         cmdline->ends_with(std::string("\0server", 7));
}

namespace {

// <state>/server.json when the server it names runs, else null.
nlohmann::json LiveServerRecord(const std::filesystem::path& state_dir) {
  auto text = ReadFile(state_dir / "server.json");
  if (!text.ok()) return nullptr;
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (!doc.is_object() || !doc["pid"].is_number_integer()) return nullptr;
  return IsSluiceServer(doc["pid"].get<int64_t>()) ? doc : nlohmann::json();
}

}  // namespace

int64_t OwningServer(const std::filesystem::path& state_dir) {
  nlohmann::json doc = LiveServerRecord(state_dir);
  return doc.is_object() ? doc["pid"].get<int64_t>() : 0;
}

std::string OwningServerUrl(const std::filesystem::path& state_dir) {
  nlohmann::json doc = LiveServerRecord(state_dir);
  if (!doc.is_object() || !doc["addr"].is_string()) return "";
  return "http://" + doc["addr"].get<std::string>();
}

}  // namespace sluice::store
