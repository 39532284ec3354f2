// Test helper: a real SMTP server, Debian's aiosmtpd (python3-aiosmtpd),
// delivering into a Maildir the test reads.
//
// StartPlain runs `python3 -m aiosmtpd -c aiosmtpd.handlers.Mailbox DIR`;
// StartTls runs tests/tools/smtp_server.py (STARTTLS required, AUTH for one
// user) with a throw-away certificate for localhost and 127.0.0.1 made by
// MakeCertificate. Both listen on 127.0.0.1 at a port picked free; Start*
// returns once the port accepts connections. The server is a child that
// dies with the calling thread (PR_SET_PDEATHSIG) if the test crashes; the
// destructor stops it (SIGTERM, then SIGKILL) and reaps it.
//
// Not thread-safe; test-only (sluice_tests and the integration tests).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::notify::testing {

class TestSmtpServer {
 public:
  static Result<std::unique_ptr<TestSmtpServer>> StartPlain(const std::filesystem::path& maildir);
  static Result<std::unique_ptr<TestSmtpServer>> StartTls(const std::filesystem::path& maildir,
                                                          const std::filesystem::path& cert,
                                                          const std::filesystem::path& key,
                                                          const std::string& user,
                                                          const std::string& password);
  ~TestSmtpServer();
  TestSmtpServer(const TestSmtpServer&) = delete;
  TestSmtpServer& operator=(const TestSmtpServer&) = delete;

  int port() const { return port_; }

 private:
  TestSmtpServer(pid_t pid, int port) : pid_(pid), port_(port) {}
  static Result<std::unique_ptr<TestSmtpServer>> Launch(std::vector<std::string> argv_with_port,
                                                        size_t port_index);
  pid_t pid_;
  int port_;
};

// cert.pem and key.pem in `dir`: self-signed, CN=localhost, SAN localhost
// and 127.0.0.1 (openssl req).
Status MakeCertificate(const std::filesystem::path& dir);

// The path of tests/tools/smtp_server.py.
std::filesystem::path SmtpServerScript();

// A message of a Maildir: its headers (names as written; a repeated header
// keeps the last value) and body.
struct DeliveredMail {
  std::map<std::string, std::string> headers;
  std::string body;
  std::string text;  // the whole file
};
// Every message in `maildir`/new, oldest file name first.
std::vector<DeliveredMail> ReadMaildir(const std::filesystem::path& maildir);
// Waits up to 10 s for `count` messages.
std::vector<DeliveredMail> WaitForMail(const std::filesystem::path& maildir, size_t count);

}  // namespace sluice::notify::testing
