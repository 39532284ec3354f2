// The previous scan of each target, for the "new" counts.
//
// A ScanHistory keeps, per target (an image reference as the user named it,
// or a step's target name and variant), the fingerprints of its last
// scan's findings in one small JSON file under its directory, named by the
// sha256 of the target: {"target", "manifestDigest", "fingerprints": [...]}
// (a persisted format). Record replaces the file atomically.
//
// Errors: IoError naming the file when it cannot be read or written; a file
// that does not parse is reported as InvalidArgument naming it (delete it to
// start the target's history over). Thread-safety: one writer per target at
// a time; reads are safe beside a write (atomic rename).
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "oci/digest.h"
#include "scan/findings.h"

namespace sluice::scan {

class ScanHistory {
 public:
  explicit ScanHistory(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // The fingerprints of `target`'s last scan; nullopt before its first.
  Result<std::optional<std::set<std::string>>> Previous(const std::string& target) const;
  Status Record(const std::string& target, const oci::Digest& manifest,
                const std::vector<Finding>& findings) const;

 private:
  std::filesystem::path FileFor(const std::string& target) const;
  std::filesystem::path dir_;
};

}  // namespace sluice::scan
