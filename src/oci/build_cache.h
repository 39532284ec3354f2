// The build cache: layers made by earlier builds, found again by a key over
// everything that decides their content, so an unchanged step neither runs
// its command nor writes a tar.
//
// A key (CacheKey) is the sha256 of a versioned text made of: the state
// before the step (the base image, every layer's diff_id and the image
// config so far -- env, workdir, user, the history of earlier steps), the
// instruction after variable substitution, and its inputs (for COPY/ADD the
// digest of the selected source files: paths, types, modes, owners,
// contents; for RUN the command, the environment with the build args, the
// workdir and the user). The key text is versioned ("v1"): change it when
// what a layer depends on changes, and old entries simply stop matching.
//
// Entries live inside the image layout they belong to, so the blobs they
// name are in the same store:
//
//   <layout>/sluice-build-cache/<key hex>   {"digest", "size", "diff_id"} JSON (persisted; v1)
//
// ImageLayout::CollectGarbage keeps the blobs an entry names; an entry whose
// blob is gone anyway (removed by hand) is a miss, never an error.
//
// Errors: IoError for the disk. Thread-safety: entries are written
// atomically, so concurrent builds into the same layout at worst both build
// the same layer; the object itself is immutable.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "oci/digest.h"
#include "oci/layer_tar.h"
#include "oci/layout.h"

namespace sluice::oci {

// The cache's directory inside a layout.
std::filesystem::path BuildCacheDir(const ImageLayout& layout);

// Accumulates the parts of a key; Finish() hashes them. Each part is
// length-prefixed, so no two lists of parts give the same text.
class CacheKey {
 public:
  CacheKey();
  CacheKey& Add(std::string_view label, std::string_view value);
  Digest Finish() const;

 private:
  std::string text_;
};

class BuildCache {
 public:
  explicit BuildCache(const ImageLayout& layout) : layout_(layout) {}

  // The layer recorded under `key`, its blob read back from the layout
  // (verified); nullopt when there is no entry or its blob is gone.
  Result<std::optional<Layer>> Lookup(const Digest& key) const;
  // Stores the layer's blob in the layout and records it under `key`.
  Status Record(const Digest& key, const Layer& layer) const;

 private:
  const ImageLayout& layout_;
};

// The digest of the files a COPY/ADD takes from `root`: each selected path's
// name, type, mode, owner and contents (or symlink target). `paths` are
// relative to `root`, as ListContextFiles gives them.
Result<Digest> DigestOfFiles(const std::filesystem::path& root,
                             const std::vector<std::string>& paths);

}  // namespace sluice::oci
