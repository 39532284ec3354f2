// Internal to the builder: running one RUN instruction in a stage's root
// filesystem and capturing what it changed as a reproducible layer.
//
// RunInRootfs() runs the command under bubblewrap with a view of `rootfs`
// as the root filesystem (ProcessSpec::root_dir: a fresh /proc, a minimal
// /dev, the host's network), as root or RunSpec::user, in `workdir` (created first when
// missing, as Docker does), with exactly `env`. Output lines go to `log`.
// How the changes are captured (RunCapture):
//
//   kOverlay   (kAuto when runner::OverlayAvailable(), i.e. as root) the
//              command sees an overlay with `rootfs` as its lower dir, so
//              `rootfs` is untouched while it runs; the layer is written from
//              the overlay's upper dir (rootfs_diff.h), then unpacked onto
//              `rootfs`.
//   kSnapshot  (kAuto otherwise) the command changes `rootfs` itself; the
//              layer is the difference of snapshots taken before and after.
//
// Either way, /proc, /dev and other mount points bubblewrap made are left
// out of the layer unless the image had them. The layer has the files' own
// modes, owners (when running as root; 0:0 otherwise, since an unprivileged
// unpack cannot keep them) and `epoch` as every mtime, so the same command
// output gives the same digest.
//
// USER: with RunSpec::user the command runs as that uid and gid (no
// supplementary groups), switched to inside the sandbox by sluice-run-as
// (runner/process.h); files it creates are owned by it. Without, as root.
//
// Errors: FailedPrecondition when the program (argv[0], looked up in the
// image's PATH) is not in the image -- the message names it; the command's
// own failure is not an error but RunOutcome::process (no layer); Aborted
// when cancelled; IoError for the disk or a failed mount. After a failure in
// kSnapshot mode `rootfs` may hold partial changes: discard it. Not
// thread-safe for the same rootfs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cancellation.h"
#include "common/status.h"
#include "oci/layer_tar.h"
#include "oci/layer_unpack.h"
#include "runner/process.h"

namespace sluice::oci {

enum class RunCapture { kAuto, kOverlay, kSnapshot };

struct RunSpec {
  std::vector<std::string> argv;                   // the command, the shell already applied
  std::map<std::string, std::string> env;          // complete; PATH included
  std::string workdir = "/";                       // absolute, in the image
  int64_t epoch = 0;                               // SOURCE_DATE_EPOCH for the layer's mtimes
  std::function<void(std::string_view line)> log;  // may be empty
  const Cancellation* cancel = nullptr;            // may be null
  RunCapture capture = RunCapture::kAuto;
  // Set after a USER that is not root: the command runs as this uid/gid.
  std::optional<runner::ProcessSpec::User> user;
  // Gets the layer's compressed bytes as they are made; may be empty.
  LayerBytesSink sink;
};

struct RunOutcome {
  runner::ProcessResult process;
  std::optional<Layer> layer;  // set when the command exited 0
};

Result<RunOutcome> RunInRootfs(const std::filesystem::path& rootfs, const RunSpec& spec);

// The host path of `path` (absolute, in the image) inside `root`, following
// symlinks as the image would see them (an absolute target is taken inside
// `root`); nullopt when it does not exist.
std::optional<std::filesystem::path> ResolveInRoot(const std::filesystem::path& root,
                                                   const std::string& path);

// Whether `name` runs in the image at `root`: a path that exists there, or a
// bare name found in a directory of `path_list` (':'-separated) there.
bool ProgramInRoot(const std::filesystem::path& root, const std::string& name,
                   const std::string& path_list);

// The UnpackOptions for an image's root filesystem on this machine: owners
// and device nodes kept when running as root.
UnpackOptions RootfsUnpackOptions();

}  // namespace sluice::oci
