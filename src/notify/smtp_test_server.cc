#include "notify/smtp_test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/files.h"

#ifndef SLUICE_SMTP_SERVER_SCRIPT
#define SLUICE_SMTP_SERVER_SCRIPT "tests/tools/smtp_server.py"
#endif

namespace sluice::notify::testing {

namespace fs = std::filesystem;

namespace {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

int RunQuietly(const std::vector<std::string>& argv) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

fs::path SmtpServerScript() { return SLUICE_SMTP_SERVER_SCRIPT; }

Result<std::unique_ptr<TestSmtpServer>> TestSmtpServer::Launch(std::vector<std::string> argv,
                                                               size_t port_index) {
  if (!fs::exists("/usr/bin/python3") ||
      RunQuietly({"/usr/bin/python3", "-c", "import aiosmtpd"}) != 0) {
    return Status::IoError("aiosmtpd is not installed: apt-get install python3-aiosmtpd");
  }
  for (int tries = 0; tries < 3; ++tries) {
    const int port = FreePort();
    argv[port_index] = argv[port_index] + std::to_string(port);
    const pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) return Status::IoError("fork failed");
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(1);
      int null = open("/dev/null", O_RDWR);
      dup2(null, 0);
      dup2(null, 1);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    std::unique_ptr<TestSmtpServer> server(new TestSmtpServer(pid, port));
    for (int i = 0; i < 500; ++i) {
      if (Accepts(port)) return server;
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        server->pid_ = 0;  // exited: perhaps the port was taken
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    argv[port_index] =
        argv[port_index].substr(0, argv[port_index].size() - std::to_string(port).size());
  }
  return Status::IoError("the SMTP test server did not start");
}

Result<std::unique_ptr<TestSmtpServer>> TestSmtpServer::StartPlain(const fs::path& maildir) {
  return Launch({"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:", "-c",
                 "aiosmtpd.handlers.Mailbox", maildir.string()},
                5);
}

Result<std::unique_ptr<TestSmtpServer>> TestSmtpServer::StartTls(const fs::path& maildir,
                                                                 const fs::path& cert,
                                                                 const fs::path& key,
                                                                 const std::string& user,
                                                                 const std::string& password) {
  return Launch({"/usr/bin/python3", SmtpServerScript().string(), "", maildir.string(),
                 cert.string(), key.string(), user, password},
                2);
}

TestSmtpServer::~TestSmtpServer() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 250; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
}

Status MakeCertificate(const fs::path& dir) {
  int rc = RunQuietly({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                       "-keyout", (dir / "key.pem").string(), "-out", (dir / "cert.pem").string(),
                       "-days", "2", "-subj", "/CN=localhost", "-addext",
                       "subjectAltName=DNS:localhost,IP:127.0.0.1"});
  if (rc != 0) return Status::IoError("openssl req failed (exit " + std::to_string(rc) + ")");
  return Status::Ok();
}

std::vector<DeliveredMail> ReadMaildir(const fs::path& maildir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(maildir / "new", ec))
    files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<DeliveredMail> out;
  for (const fs::path& f : files) {
    auto text = ReadFile(f);
    if (!text.ok()) continue;
    DeliveredMail m;
    m.text = *text;
    size_t end = m.text.find("\n\n");
    std::string head = m.text.substr(0, end);
    m.body = end == std::string::npos ? "" : m.text.substr(end + 2);
    std::string name;
    size_t pos = 0;
    while (pos < head.size()) {
      size_t nl = head.find('\n', pos);
      std::string line = head.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      pos = nl == std::string::npos ? head.size() : nl + 1;
      if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
        if (!name.empty()) m.headers[name] += " " + line.substr(line.find_first_not_of(" \t"));
        continue;
      }
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      name = line.substr(0, colon);
      size_t value = line.find_first_not_of(' ', colon + 1);
      m.headers[name] = value == std::string::npos ? "" : line.substr(value);
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<DeliveredMail> WaitForMail(const fs::path& maildir, size_t count) {
  std::vector<DeliveredMail> mail;
  for (int i = 0; i < 500; ++i) {
    mail = ReadMaildir(maildir);
    if (mail.size() >= count) return mail;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return mail;
}

}  // namespace sluice::notify::testing
