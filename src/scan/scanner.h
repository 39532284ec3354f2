// Scanning an image: its packages, their known vulnerabilities, secrets and
// misconfigurations, in one pass over its layers.
//
// ScanImage reads an image of the local store (image_files.h: each layer
// streamed once, never unpacked). Every regular file of every layer up to
// ScanOptions::max_secret_file_size goes through the secret scanner --
// files a later layer deleted included, since they are still in the image
// -- and so does the config (Env, Labels, history). The final filesystem
// gives the inventory (inventory.h) and the file checks (misconfig.h); the
// config gives the config checks. With a vulnerability database, each
// package is looked up by its ecosystem and name (Debian and Alpine by
// their source package) and every OSV entry that affects its version
// becomes a finding.
//
// With ScanOptions::layer_cache, what each layer gives the scan (its
// entries, the secrets found in its files, its inventory files) is kept
// per layer digest (layer_cache.h), and a layer the cache holds is not read
// again: a rescan, or a scan of another image on the same base, reads only
// the layers it has not seen. The result is the same with or without the
// cache. Records are keyed by the secret scanner's rules and allowlist
// (SecretScanner::Fingerprint) and max_secret_file_size too, so other
// settings make records of their own. The cache is not the store's: it may
// be deleted at any time, and a cache that cannot be written only costs
// time. A layer found in the cache is not read, so a blob damaged after it
// was recorded goes unnoticed.
//
// Errors: NotFound for an image the store does not hold; IoError naming
// the layer for a blob that cannot be read; the database's errors. A file
// the inventory cannot parse, or an OSV entry that does not parse, is a
// warning in the result, not an error. Thread-safety: concurrent scans of
// one store are fine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"
#include "oci/image.h"
#include "oci/layout.h"
#include "scan/findings.h"
#include "scan/inventory.h"
#include "scan/secrets.h"
#include "scan/vulndb.h"

namespace sluice::scan {

struct ScanOptions {
  // Null: no vulnerability matching (the result says so).
  const VulnDb* vulndb = nullptr;
  // Null: the built-in rules without an allowlist.
  const SecretScanner* secrets = nullptr;
  // Larger files are not searched for secrets.
  int64_t max_secret_file_size = 8 << 20;
  // The image the build started FROM, for the base-tag check; empty: the
  // manifest's org.opencontainers.image.base.name annotation, when there.
  std::string base_name;
  // A directory for the layer cache (layer_cache.h); empty: none.
  std::filesystem::path layer_cache;
};

struct ScanResult {
  oci::Digest manifest_digest;
  Inventory inventory;
  // Most severe first; then kind, id, package and path.
  std::vector<Finding> findings;
  std::vector<std::string> warnings;
  bool vulnerabilities_checked = false;
  int64_t files_scanned = 0;  // regular files searched for secrets
};

Result<ScanResult> ScanImage(const oci::ImageLayout& layout, const oci::Descriptor& manifest,
                             const ScanOptions& options);

}  // namespace sluice::scan
