// A per-layer cache of what an image scan learns from a layer blob.
//
// Layers are content-addressed and shared: by the images built on one base,
// and by the scans of one image (a rescan after a vulnerability database
// import). Reading a layer -- decompressing it, searching its files for
// secrets -- is nearly all of a scan's time; a LayerRecord keeps what
// ScanImage needs of one layer without the blob:
//   - each entry's metadata as LayerEntry holds it (no contents);
//   - the secrets ScanFile found in its files (masked, as findings always
//     are) and how many files it searched;
//   - its inventory files (inventory.h), compacted: os-release, package
//     databases and manifests as their text, an executable as the Go
//     modules its build info names (CompactInventoryFile), never whole.
// No other file contents are kept.
//
// A record is keyed by the layer digest and a key (LayerRecordKey): a hash
// of the record format's version and every setting that changes what a
// walk of the layer gives (the secret scanner's fingerprint, the size
// limits). One file per record:
//   <dir>/<layer hex>-<first 16 hex digits of the key>.rec
// in a binary format persisted across runs (layer_cache.cc describes it;
// kLayerRecordFormat versions it), which also names its layer and key in
// full and ends with a SHA-256 of the rest.
//
// Store writes a uniquely named temporary file and renames it over the
// record, so concurrent scans and a crash leave a whole record or none.
// Load treats a record it cannot read, parse or verify as missing: the
// layer is then walked again and the record rewritten. Neither is ever an
// error of the scan. Nothing prunes the directory; it may be deleted at any
// time (a record takes about 50 bytes per entry of its layer).
//
// Records hold inventory files' text (a dpkg status, a package.json) as
// the layer does: files are made 0600 in a 0700 directory.
//
// Thread-safety: a LayerCache is immutable; Load and Store may run from
// several threads and processes at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "oci/digest.h"
#include "scan/findings.h"
#include "scan/image_files.h"
#include "scan/inventory.h"

namespace sluice::scan {

// Persisted: bump whenever the format, or what a walk puts in a record,
// changes (a record of another version is a miss).
inline constexpr int kLayerRecordFormat = 1;

struct LayerRecord {
  std::string layer_digest;  // "sha256:..."
  // In walk order; `layer` is 0 (the caller knows the layer's index in its
  // manifest) and `layer_digest` is the record's.
  std::vector<LayerEntry> entries;
  std::vector<Finding> secrets;  // ScanFile's findings, in walk order
  int64_t files_scanned = 0;     // files searched for secrets
  // The files IsInventoryPath and IsInventoryContents kept, in walk order,
  // compacted (CompactInventoryFile).
  std::vector<InventoryFile> inventory_files;
};

// The key of records made with these settings (64 hex digits).
std::string LayerRecordKey(std::string_view secret_fingerprint, int64_t max_secret_file_size,
                           int64_t max_inventory_file);

// A record's bytes, and back: nullopt for bytes that are not a whole,
// intact record of `layer_digest` under `key`.
std::string EncodeLayerRecord(const LayerRecord& record, std::string_view key);
std::optional<LayerRecord> DecodeLayerRecord(std::string_view bytes, std::string_view layer_digest,
                                             std::string_view key);

class LayerCache {
 public:
  // Records under `dir` (created on the first Store), for `key`.
  LayerCache(std::filesystem::path dir, std::string key);

  std::filesystem::path RecordPath(const oci::Digest& layer) const;
  // The layer's record; nullopt when there is none that reads back whole.
  std::optional<LayerRecord> Load(const oci::Digest& layer) const;
  // Writes the record (atomically). An IoError says why it could not; the
  // scanner goes on without it.
  Status Store(const LayerRecord& record) const;

 private:
  std::filesystem::path dir_;
  std::string key_;
};

}  // namespace sluice::scan
