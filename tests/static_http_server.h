// Test helper: a real static-file HTTP server (Python's http.server, from
// Debian's python3) serving a directory on 127.0.0.1 with a port the kernel
// picks -- a stand-in for a package mirror. The server stops (SIGTERM)
// when the object dies, and with the test process if it crashes.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/status.h"

namespace sluice::testing {

class StaticHttpServer {
 public:
  static Result<std::unique_ptr<StaticHttpServer>> Start(const std::filesystem::path& root);
  StaticHttpServer(const StaticHttpServer&) = delete;
  StaticHttpServer& operator=(const StaticHttpServer&) = delete;
  ~StaticHttpServer();

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The request lines served so far ("GET /dists/x/Release HTTP/1.1").
  std::string log() const;

 private:
  StaticHttpServer(std::filesystem::path log_file, pid_t pid)
      : log_file_(std::move(log_file)), pid_(pid) {}
  std::filesystem::path log_file_;
  pid_t pid_;
  int port_ = 0;
};

}  // namespace sluice::testing
