#include "static_http_server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/files.h"

namespace sluice::testing {

Result<std::unique_ptr<StaticHttpServer>> StaticHttpServer::Start(
    const std::filesystem::path& root) {
  const std::string python = "/usr/bin/python3";
  if (access(python.c_str(), X_OK) != 0) {
    return Status::IoError("install python3 (scripts/install-deps --test) for " + python);
  }
  std::filesystem::path log_file = root.parent_path() / (root.filename().string() + ".http.log");
  pid_t pid = fork();
  if (pid < 0) return Status::IoError("fork failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    // -u: the "Serving HTTP on ... port N" line reaches the log at once.
    execl(python.c_str(), python.c_str(), "-u", "-m", "http.server", "--bind", "127.0.0.1",
          "--directory", root.c_str(), "0", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::unique_ptr<StaticHttpServer> server(new StaticHttpServer(log_file, pid));
  const std::string marker = " port ";
  for (int i = 0; i < 200; ++i) {
    if (int status = 0; waitpid(pid, &status, WNOHANG) == pid) {
      server->pid_ = -1;
      return Status::IoError("python3 -m http.server exited at start: " + server->log());
    }
    std::string log = server->log();
    if (size_t at = log.find("Serving HTTP on"); at != std::string::npos) {
      size_t port_at = log.find(marker, at);
      if (port_at != std::string::npos) {
        server->port_ = std::stoi(log.substr(port_at + marker.size()));
        return server;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::Timeout("python3 -m http.server did not start within 10 s: " + server->log());
}

StaticHttpServer::~StaticHttpServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

std::string StaticHttpServer::log() const {
  auto text = ReadFile(log_file_);
  return text.ok() ? *text : std::string();
}

}  // namespace sluice::testing
