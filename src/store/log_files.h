// Node log files under `<state>/logs/<execution_id>/<node_path>.log`,
// internal to the store module.
//
// Appends go straight to the kernel with write(2) on an O_APPEND descriptor
// and are never fsynced: once Append() returns, other processes read the
// bytes and a crash of this process cannot lose them; a crash of the machine
// may lose the unflushed tail. To keep each call cheap, a small cache keeps
// the most recently used descriptors open (least recently used is closed
// first). Not thread-safe, like the Store that owns it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::store {

// `name` (an execution id or node path) becomes one path component: it must
// be non-empty and contain no '/', "..", or NUL. Violations are sluice bugs
// (ids and paths come from sluice itself), so the error is Internal.
Status CheckLogName(std::string_view kind, std::string_view name);

class LogFiles {
 public:
  LogFiles(std::filesystem::path logs_dir, size_t max_open);
  ~LogFiles();
  LogFiles(const LogFiles&) = delete;
  LogFiles& operator=(const LogFiles&) = delete;

  // The names are not checked here; callers run CheckLogName first.
  std::filesystem::path PathOf(const std::string& execution_id, const std::string& node_path) const;

  struct Appended {
    int64_t file_size = 0;  // offset just past what this call wrote
    int64_t lines = 0;      // newlines this call wrote
  };
  // Writes `text` plus a '\n' when it does not end with one; "" writes nothing.
  Result<Appended> Append(const std::string& execution_id, const std::string& node_path,
                          std::string_view text);

  // The whole file, or "" when it does not exist.
  Result<std::string> Read(const std::string& execution_id, const std::string& node_path) const;

  size_t open_count() const { return open_.size(); }

 private:
  struct Entry {
    std::string key;  // "<execution_id>/<node_path>"
    int fd;
    uint64_t last_used;
  };
  Result<int> Descriptor(const std::string& execution_id, const std::string& node_path);
  void Forget(int fd);

  const std::filesystem::path dir_;
  const size_t max_open_;
  std::vector<Entry> open_;  // at most max_open_; linear scans are cheap at this size
  uint64_t tick_ = 0;
};

}  // namespace sluice::store
