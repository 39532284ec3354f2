// Image scans started when an image is pushed (scan on push), for a later
// scanner step to wait for instead of sleeping.
//
// A BuildAndPush step whose connector sets `scanOnPush: true` (sluice's
// stand-in for an ECR repository's scan-on-push setting) hands the image
// it stored to StartScan, which scans it on a thread of its own:
// ScanStoredImage, the local store of the state directory, the
// vulnerability database there (<state>/vulndb.sqlite) when there is one,
// the built-in secret rules, and the layer cache <state>/scan-cache that
// `sluice image scan` shares (scanner.h). A scanner step
// (security_scan_step.h) for the same image calls WaitFor and gets that
// scan's result as soon as it is done -- or nullopt when no scan of the
// image was started in this process, and then scans the image itself.
//
// One service is shared by the step types of a registry (RegisterBuiltinSteps)
// and lives as long as they do; its destructor waits for the scans still
// running. Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/cancellation.h"
#include "common/status.h"
#include "oci/image.h"
#include "scan/scanner.h"

namespace sluice::steps {

// Scans the image `manifest` of the local store under `state_dir`.
Result<scan::ScanResult> ScanStoredImage(const std::filesystem::path& state_dir,
                                         const oci::Descriptor& manifest);

class ScanService {
 public:
  ScanService() = default;
  ScanService(const ScanService&) = delete;
  ScanService& operator=(const ScanService&) = delete;
  ~ScanService();

  // Starts scanning `manifest` unless a scan of it was started already.
  void StartScan(const std::filesystem::path& state_dir, const oci::Descriptor& manifest);

  // nullopt when no scan of `manifest` was started; else its result, or
  // Timeout when it is not done within `timeout`, or Aborted when
  // `cancel` fires first.
  std::optional<Result<scan::ScanResult>> WaitFor(const oci::Digest& manifest,
                                                  std::chrono::milliseconds timeout,
                                                  const Cancellation& cancel);

 private:
  std::mutex mutex_;
  // By manifest digest; guarded by mutex_.
  std::map<std::string, std::shared_future<Result<scan::ScanResult>>> scans_;
};

}  // namespace sluice::steps
