// Reproducible image layers: a directory tree (or a diff of one) as a tar
// stream, gzip-compressed so that the same inputs give byte-identical output.
//
// The tar is POSIX ustar, with a PAX extended header only for a name or link
// target longer than 100 bytes. Entries are sorted by path (bytewise), owners
// are numeric (0 unless LayerOptions says otherwise: fixed ones, or each
// file's own) with no user or group names, every mtime is
// LayerOptions::mtime (SOURCE_DATE_EPOCH, or 0), and a file with several
// hard links is written once, the later names as hard-link
// entries to the first. The tar is compressed with Gzip (gzip.h: libdeflate
// at kGzipLevel, in 1 MiB members, no file name, mtime 0). The layer
// format is persisted (its digests are content addresses): changing any byte
// of the output changes every image digest, so do it only on purpose.
//
// Errors come back as Status (IoError naming the path that could not be
// read; InvalidArgument for a socket, which a tar cannot hold). All
// functions are thread-safe as long as nobody changes the tree meanwhile.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "oci/digest.h"
#include "oci/gzip.h"

namespace sluice::oci {

struct LayerOptions {
  int64_t mtime = 0;  // seconds since the epoch, written on every entry
  uint32_t uid = 0;   // owner written on every entry
  uint32_t gid = 0;
  // Write each file's own uid and gid instead of `uid`/`gid` (what a RUN
  // left in an image's filesystem); modes are always the files' own.
  bool keep_owners = false;
};

// A diff against the layers below: what the layer holds instead of the
// whole tree. Paths are relative to the root, '/'-separated, without "..".
struct LayerChanges {
  std::vector<std::string> changed;  // added or modified (a directory: only its own entry)
  std::vector<std::string> deleted;  // become whiteouts ".wh.<name>"
  std::vector<std::string> opaque;   // directories whose lower contents are hidden (".wh..wh..opq")
};

// A compressed layer and the two digests an image needs.
struct Layer {
  std::string gzip;  // the blob
  Digest digest;     // of `gzip`: the manifest's layer digest
  int64_t size = 0;  // of `gzip`
  Digest diff_id;    // of the uncompressed tar: the config's rootfs.diff_ids entry
};

// Parses SOURCE_DATE_EPOCH's value: decimal seconds. InvalidArgument saying
// what was expected otherwise.
Result<int64_t> ParseSourceDateEpoch(std::string_view text);

// The uncompressed tar of every entry under `root` (the root itself is not
// an entry), or with `changes`, of the changed paths, their parent
// directories and the whiteouts. Symlinks are stored, never followed.
Result<std::string> WriteLayerTar(const std::filesystem::path& root, const LayerOptions& options,
                                  const LayerChanges* changes = nullptr);

// Receives a layer's compressed bytes in order while they are being made
// (see Gzip's on_member), e.g. to upload them meanwhile.
using LayerBytesSink = std::function<void(std::string_view bytes)>;

// WriteLayerTar, compressed, with its digests. When `tar` is given it
// receives the uncompressed tar too, for a caller that applies the layer
// right away and so need not decompress it again. `sink`, when set, gets
// the blob's bytes as they are compressed.
Result<Layer> BuildLayer(const std::filesystem::path& root, const LayerOptions& options,
                         const LayerChanges* changes = nullptr, std::string* tar = nullptr,
                         const LayerBytesSink& sink = {});

}  // namespace sluice::oci
