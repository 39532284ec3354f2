// Unpacking a layer (gzip or plain tar) onto a root directory, applying
// whiteouts, without ever writing outside that root.
//
// Every entry is checked before anything is written for it; a rejected
// entry stops the unpack with InvalidArgument naming the entry and the rule:
//   - an absolute name, or a name with a ".." component;
//   - a name whose parent path runs through a symlink (already on disk)
//     whose target leads outside the root; symlinks that stay inside are
//     followed, as a container runtime would;
//   - a hard link whose source is absolute, has "..", or is missing;
//   - a character or block device unless UnpackOptions::allow_devices.
// A symlink entry may itself point anywhere (it is only a name); it is
// checked when a later entry goes through it. An existing symlink at an
// entry's own name is replaced, never followed. Directory modes are applied
// after all entries so a read-only directory can still receive its files.
// Entries written before a rejection stay in the root (which the caller
// owns and should discard). Not thread-safe for the same root.
#pragma once

#include <filesystem>
#include <string_view>

#include "common/status.h"

namespace sluice::oci {

struct UnpackOptions {
  // Create device nodes (needs root; otherwise they are rejected).
  bool allow_devices = false;
  // chown entries to their tar uid/gid (needs root; otherwise owners are the caller).
  bool preserve_owners = false;
};

// Unpacks `layer` (detected as gzip by its magic bytes, else plain tar) onto
// `root`, which must exist. ".wh.<name>" removes <name> from the lower
// layers; ".wh..wh..opq" empties its directory of what lower layers put
// there (entries of this same layer are kept).
Status UnpackLayer(std::string_view layer, const std::filesystem::path& root,
                   const UnpackOptions& options = {});

}  // namespace sluice::oci
