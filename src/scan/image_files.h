// Reading an image's files straight from its layer blobs, without unpacking.
//
// WalkLayers streams every layer of an image, in order, from the layout's
// blob files (gzip or plain tar, read with libarchive: memory stays bounded
// by the largest file asked for, not by the layer) and hands each entry to
// a visitor: regular files, directories, symlinks, hard links, devices, and
// the OCI whiteouts (".wh.<name>" deleting <name>, ".wh..wh..opq" hiding a
// directory's lower contents) as entries of their own kinds. Paths are
// relative, '/'-separated, cleaned ("./usr/bin/x" -> "usr/bin/x"). A
// file's contents are read only when `wants_contents` says so (and never
// past `max_contents` bytes: `truncated` then says so). A hard link's
// entry carries no contents (the tar holds them once, at its source, which
// comes earlier in the same layer). Layers are gzip-compressed or plain
// tars (zstd layers are not read: libarchive may run an external zstd
// program for them). WalkLayer streams one chosen layer of the manifest
// alike, for a caller that already knows what the others hold (a cache).
//
// SquashedFiles applies the entries in order as a container runtime would
// (later layers replace earlier ones, whiteouts delete) to say which paths
// the image's final filesystem holds, and from which layer.
//
// Errors: IoError naming the layer digest for a blob that is missing,
// truncated or not a tar (what archive reading said); the visitor's own
// error stops the walk and is returned. Thread-safety: independent walks
// may run concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"
#include "oci/image.h"
#include "oci/layout.h"

namespace sluice::scan {

struct LayerEntry {
  enum class Type { kFile, kDirectory, kSymlink, kHardLink, kOther, kWhiteout, kOpaque };
  Type type = Type::kFile;
  size_t layer = 0;          // index in the manifest's layers
  std::string layer_digest;  // "sha256:..."
  // The entry's path; for kWhiteout the path it deletes, for kOpaque the
  // directory whose lower contents it hides.
  std::string path;
  uint32_t mode = 0;  // permission bits and setuid/setgid/sticky (07777)
  uint32_t uid = 0, gid = 0;
  int64_t size = 0;         // of a regular file
  std::string link_target;  // symlink target or hard-link source path
  bool truncated = false;   // contents stop at max_contents
};

struct WalkOptions {
  // Whether the visitor wants a regular file's contents; null: none.
  std::function<bool(std::string_view path, int64_t size, uint32_t mode)> wants_contents;
  int64_t max_contents = 64 << 20;
};

using EntryVisitor = std::function<Status(const LayerEntry& entry, std::string_view contents)>;

Status WalkLayers(const oci::ImageLayout& layout, const oci::Manifest& manifest,
                  const WalkOptions& options, const EntryVisitor& visit);
// The layer at `index` of the manifest's layers (which must hold it): its
// entries carry that index, and errors name it as WalkLayers would.
Status WalkLayer(const oci::ImageLayout& layout, const oci::Manifest& manifest, size_t index,
                 const WalkOptions& options, const EntryVisitor& visit);

// The final filesystem, built from the entries of a walk fed in order.
class SquashedFiles {
 public:
  void Apply(const LayerEntry& entry);
  // The entry that put `path` there last, or null when the image does not
  // hold it (never added, or deleted by a whiteout).
  const LayerEntry* Find(std::string_view path) const;
  const std::map<std::string, LayerEntry, std::less<>>& entries() const { return entries_; }

 private:
  std::map<std::string, LayerEntry, std::less<>> entries_;
};

}  // namespace sluice::scan
