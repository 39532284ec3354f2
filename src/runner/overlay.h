// Kernel overlay mounts: a writable view of read-only directory trees whose
// changes land in a separate "upper" directory.
//
// Used to run a command in a container image without touching the unpacked
// image (a Run step with `image:`), and to capture what a Dockerfile RUN
// changed: after the command, `upper` holds every file it created or
// modified, a deleted path as a character device 0/0 (an overlay whiteout),
// and a directory it replaced with the xattr trusted.overlay.opaque = "y".
//
// Mounting needs CAP_SYS_ADMIN (root); OverlayAvailable() says whether it
// works here. The mount is private to nothing: it is visible to the whole
// host mount namespace until unmounted, so an OverlayMount unmounts in its
// destructor (lazily, MNT_DETACH, so a process still inside cannot keep it).
// Thread-safety: distinct objects may be used from distinct threads.
#pragma once

#include <filesystem>
#include <vector>

#include "common/status.h"

namespace sluice::runner {

class OverlayMount {
 public:
  // Mounts `lowers` (topmost first; at least one) with `upper` and `work`
  // (created when missing; on the same filesystem) at `merged` (created).
  // IoError with the kernel's reason when the mount fails.
  static Result<OverlayMount> Create(const std::vector<std::filesystem::path>& lowers,
                                     const std::filesystem::path& upper,
                                     const std::filesystem::path& work,
                                     const std::filesystem::path& merged);

  OverlayMount(OverlayMount&& other) noexcept;
  OverlayMount& operator=(OverlayMount&& other) noexcept;
  OverlayMount(const OverlayMount&) = delete;
  OverlayMount& operator=(const OverlayMount&) = delete;
  ~OverlayMount();

  const std::filesystem::path& merged() const { return merged_; }
  // Unmounts now (idempotent); IoError if the kernel refuses.
  Status Unmount();

 private:
  explicit OverlayMount(std::filesystem::path merged) : merged_(std::move(merged)) {}
  std::filesystem::path merged_;  // empty once unmounted
};

// True when an overlay can be mounted here (probed once, in a temporary
// directory, then cleaned up).
bool OverlayAvailable();

}  // namespace sluice::runner
