// Test helpers for the registry client: a real docker-registry (Debian's
// distribution 2.8) on 127.0.0.1 with a port the kernel picks, a tiny Bearer
// token server, and a way to run the independent tools (skopeo, htpasswd,
// openssl) that check our work. Test-only; each object owns its process,
// thread or directory and stops or removes it when it dies.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/files.h"
#include "common/status.h"
#include "oci/registry_http.h"
#include "oci/test_tools.h"

namespace sluice::oci::testing {

// How the registry authenticates; the default is anonymous.
struct RegistryAuth {
  std::string htpasswd_file;  // Basic: a bcrypt htpasswd file
  // Bearer: the token server's URL, service and issuer, and its certificate.
  std::string token_realm, token_service, token_issuer, token_cert_file;
};

class TestRegistry {
 public:
  // Starts /usr/bin/docker-registry with a generated config.yml and storage
  // in a fresh temp dir; returns once /v2/ answers.
  static Result<std::unique_ptr<TestRegistry>> Start(const RegistryAuth& auth = {});
  TestRegistry(const TestRegistry&) = delete;
  TestRegistry& operator=(const TestRegistry&) = delete;
  ~TestRegistry();  // SIGTERM, then wait

  const std::string& host() const { return host_; }  // "127.0.0.1:PORT"
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::string log() const;

 private:
  TestRegistry(TempDir dir, pid_t pid) : dir_(std::move(dir)), pid_(pid) {}
  TempDir dir_;
  pid_t pid_;
  std::string host_;
};

// A Bearer token service for distribution's token auth: answers
// GET /token?service=..&scope=.. with an RS256 JWT granting the scopes asked
// for, signed by a fresh self-signed key. With `username` set it demands
// those Basic credentials (401 otherwise). Records every request it serves.
class TokenServer {
 public:
  static Result<std::unique_ptr<TokenServer>> Start(std::string username = "",
                                                    std::string password = "");
  TokenServer(const TokenServer&) = delete;
  TokenServer& operator=(const TokenServer&) = delete;
  ~TokenServer();  // stops the thread

  std::string realm() const { return "http://127.0.0.1:" + std::to_string(port_) + "/token"; }
  std::string cert_file() const { return (dir_.path() / "cert.pem").string(); }
  static constexpr const char* kService = "sluice-test-registry";
  static constexpr const char* kIssuer = "sluice-test-issuer";
  // Request lines and Authorization headers served so far.
  std::vector<std::string> requests() const;

 private:
  TokenServer(TempDir dir, int fd, int port) : dir_(std::move(dir)), fd_(fd), port_(port) {}
  void Serve();
  std::string Answer(const std::string& request);

  TempDir dir_;
  int fd_;
  int port_;
  std::string username_, password_, key_pem_, cert_der_b64_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;  // guarded by mutex_
  std::thread thread_;
};

// What went over the wire: a request and how many body bytes it carried.
struct SentRequest {
  std::string method;
  std::string url;
  size_t body_bytes = 0;
  bool streamed = false;  // the body came from body_source
};

// The requests a RecordingTransport sent, in order. Thread-safe.
class RequestLog {
 public:
  void Add(SentRequest request);
  void Clear();
  // Those whose method is `method`.
  std::vector<SentRequest> Sent(const std::string& method) const;

 private:
  mutable std::mutex mutex_;
  std::vector<SentRequest> requests_;  // guarded by mutex_
};

// Sends through libcurl, recording every request in `log` once it is answered.
class RecordingTransport : public HttpTransport {
 public:
  explicit RecordingTransport(RequestLog* log) : log_(log) {}
  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  std::unique_ptr<HttpTransport> curl_ = NewCurlTransport();
  RequestLog* log_;
};

// `size` bytes that do not compress (like a gzip layer), the same for the
// same seed.
std::string PseudoRandom(size_t size, uint32_t seed);

}  // namespace sluice::oci::testing
