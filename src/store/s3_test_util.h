// Test helper: a real S3 server for the S3 client's tests and benchmarks --
// Debian's OpenStack Swift with its s3api middleware (packages swift-proxy,
// swift-account, swift-container, swift-object), which checks SigV4
// signatures and payload hashes as AWS does.
//
// Start() builds a one-replica Swift in a fresh temp dir: rings for the
// account, container and object servers on ports the kernel picked (the
// rings hold the backend ports, so each instance has its own), their
// configs, and a proxy with s3api and tempauth on a fourth free port, all
// bound to 127.0.0.1. The four servers are children of the calling thread
// that die with it (PR_SET_PDEATHSIG), even when the test crashes, and a
// fifth child then removes the directory; normally the destructor stops
// them and removes it. When the tests run as
// root the servers run as the `swift` user the packages create (Swift
// refuses to keep root), otherwise as the caller.
//
// Swift needs several seconds to start: start one per test suite
// (SetUpTestSuite), not one per test. Not thread-safe; test-only: built
// into sluice_tests and sluice_s3_swift_tests; tests/ and bench/ compile
// it with src/oci/test_tools.cc and link sluice_store.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/files.h"
#include "common/status.h"

namespace sluice::store::testing {

class TestS3Server {
 public:
  // IoError naming the Debian package when Swift is not installed, or
  // with the servers' logs when one did not come up.
  static Result<std::unique_ptr<TestS3Server>> Start();
  TestS3Server(const TestS3Server&) = delete;
  TestS3Server& operator=(const TestS3Server&) = delete;
  ~TestS3Server();  // SIGTERM to each server, wait, remove the directory

  // "http://127.0.0.1:PORT": path-style S3 at the proxy.
  const std::string& endpoint() const { return endpoint_; }
  static constexpr const char* kAccessKey = "test:tester";
  static constexpr const char* kSecretKey = "testing";
  static constexpr const char* kRegion = "us-east-1";

  // Creates `bucket` with Debian's boto3 (/usr/bin/python3), a client
  // independent of ours.
  Status CreateBucket(std::string_view bucket) const;
  const std::filesystem::path& dir() const { return dir_.path(); }
  // The tail of every server's log, for a failing test's message.
  std::string logs() const;

 private:
  explicit TestS3Server(TempDir dir) : dir_(std::move(dir)) {}
  Status Launch(const std::vector<int>& ports);
  Status StartCleaner();
  void Stop();

  TempDir dir_;
  std::vector<pid_t> pids_;
  pid_t cleaner_pid_ = -1;  // removes dir_ if this process dies first
  int cleaner_fd_ = -1;     // its pipe; closing it lets the cleaner finish
  std::string endpoint_;
};

// Runs /usr/bin/python3 (Debian's, with python3-boto3) on `script` with
// `args`; its exit code and output together. IoError when python3-boto3
// is missing.
struct PythonRun {
  int exit_code = -1;
  std::string output;
};
Result<PythonRun> RunBoto3Script(const std::filesystem::path& script,
                                 const std::vector<std::string>& args);

}  // namespace sluice::store::testing
