// Internal to the builder: what a command changed in an image's root
// filesystem, as the LayerChanges a RUN layer is written from
// (layer_tar.h). Two ways, depending on how the command ran:
//
//   - ChangesFromOverlayUpper(): the command ran in an overlay whose lower
//     dir is the rootfs (runner/overlay.h), so its upper dir holds exactly
//     the changes: an entry is added or modified, a character device 0/0 is
//     a deleted path (an overlay whiteout), a directory with the xattr
//     trusted.overlay.opaque = "y" replaced the lower one (opaque). Write
//     the layer from the upper dir.
//   - TakeSnapshot() before and after, then DiffSnapshots(): the command
//     ran on the rootfs itself (no overlay: not root). A path is changed
//     when its type, mode, owner, size, mtime or content hash differ, or
//     it is new; a path that is gone is deleted (only the topmost of a
//     deleted subtree is listed). Write the layer from the rootfs.
//
// `skip` names top-level paths ("proc", "dev") to leave out with everything
// under them: mount points bubblewrap created that were not in the image.
// Errors: IoError naming the path that could not be read; FailedPrecondition
// when the upper dir uses overlay features whose changes a layer cannot
// express (redirect_dir, metacopy). Thread-safe while nobody changes the
// trees being read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "common/status.h"
#include "oci/layer_tar.h"

namespace sluice::oci {

Result<LayerChanges> ChangesFromOverlayUpper(const std::filesystem::path& upper,
                                             const std::set<std::string>& skip);

// One path's state, as compared by DiffSnapshots.
struct PathState {
  uint32_t mode = 0;  // st_mode: type and permission bits
  uint32_t uid = 0;
  uint32_t gid = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  std::string hash;  // sha256 hex of a file's contents or a symlink's target
  bool operator==(const PathState&) const = default;
};

// Every path under `root` (relative, '/'-separated) and its state.
using Snapshot = std::map<std::string, PathState>;

Result<Snapshot> TakeSnapshot(const std::filesystem::path& root,
                              const std::set<std::string>& skip = {});
LayerChanges DiffSnapshots(const Snapshot& before, const Snapshot& after);

}  // namespace sluice::oci
