#include "steps/scan_service.h"

#include <utility>

#include "oci/layout.h"
#include "scan/vulndb.h"

namespace sluice::steps {

Result<scan::ScanResult> ScanStoredImage(const std::filesystem::path& state_dir,
                                         const oci::Descriptor& manifest) {
  SLUICE_ASSIGN_OR_RETURN(oci::ImageLayout layout, oci::ImageLayout::Open(state_dir / "images"));
  std::optional<scan::VulnDb> db;
  std::filesystem::path db_file = state_dir / "vulndb.sqlite";
  std::error_code ec;
  if (std::filesystem::exists(db_file, ec)) {
    SLUICE_ASSIGN_OR_RETURN(scan::VulnDb opened, scan::VulnDb::Open(db_file));
    db.emplace(std::move(opened));
  }
  scan::ScanOptions options;
  options.vulndb = db ? &*db : nullptr;
  options.layer_cache = state_dir / "scan-cache";
  return scan::ScanImage(layout, manifest, options);
}

ScanService::~ScanService() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [digest, scan] : scans_) scan.wait();
}

void ScanService::StartScan(const std::filesystem::path& state_dir,
                            const oci::Descriptor& manifest) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (scans_.contains(manifest.digest.str())) return;
  // Started before it is listed: a scan that could not start is not waited for.
  auto scan = std::async(std::launch::async, [state_dir, manifest] {
                return ScanStoredImage(state_dir, manifest);
              }).share();
  scans_.emplace(manifest.digest.str(), std::move(scan));
}

std::optional<Result<scan::ScanResult>> ScanService::WaitFor(const oci::Digest& manifest,
                                                             std::chrono::milliseconds timeout,
                                                             const Cancellation& cancel) {
  std::shared_future<Result<scan::ScanResult>> scan;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = scans_.find(manifest.str());
    if (it == scans_.end()) return std::nullopt;
    scan = it->second;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  constexpr std::chrono::milliseconds kSlice{50};
  while (scan.wait_for(kSlice) != std::future_status::ready) {
    if (cancel.cancelled()) {
      return Result<scan::ScanResult>(
          Status::Aborted("cancelled while waiting for the scan of " + manifest.str()));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Result<scan::ScanResult>(Status::Timeout("the scan of " + manifest.str() +
                                                      " started on push did not finish in time"));
    }
  }
  return scan.get();
}

}  // namespace sluice::steps
