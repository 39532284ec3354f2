// Each function's log: <dir>/<function>.log, one line per entry, prefixed
// with its UTC time ("2026-11-27T02:47:43.123Z "), holding what the runtime
// says about each invocation (START, END, REPORT, timeouts) and every line
// its instances print. Appends are buffered and reach the file within one
// Flush() (the runtime flushes every 100 ms); a file over `max_bytes` is
// moved to <function>.log.1 (replacing the older one) and a new one begun.
//
// Thread-safe.
#pragma once

#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::serve {

class FunctionLogs {
 public:
  explicit FunctionLogs(std::filesystem::path dir, size_t max_bytes = 8 * 1024 * 1024);
  ~FunctionLogs();
  FunctionLogs(const FunctionLogs&) = delete;
  FunctionLogs& operator=(const FunctionLogs&) = delete;

  void Append(const std::string& function, std::string_view line);
  void Flush();

  // The last `max_bytes` of the function's log (whole lines; the rotated
  // file first when the current one is shorter); "" when it has none.
  static Result<std::string> Tail(const std::filesystem::path& dir, const std::string& function,
                                  size_t max_bytes);

 private:
  struct File {
    std::FILE* file = nullptr;
    size_t bytes = 0;
  };
  File* Open(const std::string& function);

  std::filesystem::path dir_;
  size_t max_bytes_;
  std::mutex mu_;
  std::map<std::string, File> files_;
};

}  // namespace sluice::serve
