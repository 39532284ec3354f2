// A Run step with `image:`: the image made ready for one step, as Harness CI
// runs a step's container on a VM or local runner, without a Docker daemon.
//
// PrepareStepImage() does, in order:
//  1. Finds the image (steps/image_registry.h: the local store, or a
//     registry through the step's connectorRef or the reference's host).
//  2. For a registry image, pulls it into the local store under its full
//     reference ("127.0.0.1:5000/ml/train:1") by `imagePullPolicy`:
//     Always pulls every time, IfNotPresent (the default) only when that
//     tag is missing, Never fails when it is missing. Logs
//     "image X (sha256:...)" and whether it was pulled.
//  3. Unpacks it once per manifest digest into <state dir>/rootfs
//     (oci/rootfs_cache.h), shared by every step and run.
//  4. Gives the step a throwaway writable view of that root in the step's
//     scratch dir: an overlay (upper and work dirs in scratch, so the
//     command may write anywhere in the image and nothing persists into the
//     cache or the next step); where overlays cannot be mounted (not root)
//     a private copy of the unpacked root, said once in the step log.
//  5. Checks the step's shell exists in the image: /bin/sh for Sh, /bin/bash
//     for Bash, following symlinks inside the image root (/bin/sh ->
//     busybox). The script's output capture also needs `base64` on the
//     image's PATH (coreutils or busybox), as outputVariables use it.
//
// The step then runs with ProcessSpec::root_dir = root(), the stage's
// mounts (workspace at /harness, sharedPaths) on top and /harness as the
// working directory (the image's WorkingDir is not used, as in Harness).
// The environment is StepEnvironmentInImage(). The image's User is not
// used: commands run as root inside the sandbox (a log line says so);
// `runAsUser` is not supported either.
//
// Errors are step errors (InvalidArgument / NotFound / FailedPrecondition
// with what to do): unknown pull policy, image missing with Never or from
// the local store, a pull that fails, a shell the image lacks. Secrets never
// appear in them (registry credentials stay inside ImageLocation).
//
// Thread-safety: PrepareStepImage pulls under the store's lock
// (LockImageStore), so steps running at once and other sluice processes
// taking it do not lose each other's tags; EnsureLocalImage's caller holds
// that lock for a registry image. An ImageRoot belongs to one step.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "engine/step.h"
#include "oci/image.h"
#include "oci/layout.h"
#include "runner/overlay.h"
#include "runner/script.h"
#include "steps/image_registry.h"

namespace sluice::steps {

enum class PullPolicy { kAlways, kIfNotPresent, kNever };

// "Always" | "IfNotPresent" | "Never" (case-insensitive); "" is IfNotPresent.
Result<PullPolicy> ParsePullPolicy(std::string_view text);

using LogFn = std::function<void(std::string_view line)>;

struct LocalImage {
  std::string tag;           // in the local store
  oci::Descriptor manifest;  // as stored there
  bool pulled = false;
};

// Step 2 for an already located image: makes sure it is in `store` and
// returns where. Logs the "image X (sha256:...)" line. For a registry image
// the caller holds the store's lock (see above).
Result<LocalImage> EnsureLocalImage(const ImageLocation& where, PullPolicy policy,
                                    const oci::ImageLayout& store, const LogFn& log);

// Steps 3-4: a writable view of an image's root for one step (a private
// copy without trying an overlay when !allow_overlay, as tests of the
// unprivileged path run as root). Unmounts the
// overlay (if any) when destroyed, on every path out of the step; the files
// under `scratch_dir` are left to the scratch dir's owner to remove.
class ImageRoot {
 public:
  static Result<std::unique_ptr<ImageRoot>> Prepare(const oci::ImageLayout& store,
                                                    const oci::Descriptor& manifest,
                                                    const std::filesystem::path& cache_dir,
                                                    const std::filesystem::path& scratch_dir,
                                                    const LogFn& log, bool allow_overlay = true);
  ImageRoot(const ImageRoot&) = delete;
  ImageRoot& operator=(const ImageRoot&) = delete;
  ~ImageRoot() = default;

  const std::filesystem::path& root() const { return root_; }
  const oci::ImageConfig& config() const { return config_; }
  // The image as logs and errors name it ("busybox:1", "127.0.0.1:5000/a:1");
  // set by PrepareStepImage.
  const std::string& display() const { return display_; }
  // The host path of `path` as a command in the image sees it: through the
  // mount of `ws` that holds it (relative paths start at ws.working_dir),
  // else in root().
  std::filesystem::path ToHost(const engine::StepWorkspace& ws, const std::string& path) const;

 private:
  ImageRoot(std::filesystem::path root, oci::ImageConfig config,
            std::optional<runner::OverlayMount> overlay)
      : root_(std::move(root)), config_(std::move(config)), overlay_(std::move(overlay)) {}

  std::filesystem::path root_;
  oci::ImageConfig config_;
  std::optional<runner::OverlayMount> overlay_;  // empty for a private copy
  std::string display_;

  friend Result<std::unique_ptr<ImageRoot>> PrepareStepImage(engine::StepContext& ctx);
};

// Step 5: OK when `shell`'s program is an executable file in the image
// root; else FailedPrecondition "image X has no /bin/bash, which shell:
// Bash needs; use shell: Sh or an image that has bash".
Status CheckShellInImage(const std::filesystem::path& root, std::string_view image,
                         runner::Shell shell);

// The environment of a command in the image: the image's Env, then the
// context's variables (HARNESS_*, stage and pipeline variables) except those
// that describe the host (PATH, HOME, USER, LOGNAME, TMPDIR), then the
// step's own, which win. PATH is the image's (or a default) unless the step
// sets one.
std::map<std::string, std::string> StepEnvironmentInImage(
    const oci::ContainerConfig& image, const std::map<std::string, std::string>& context_env,
    const std::map<std::string, std::string>& step_env);

// The workspace of a step in an image: /harness as the working directory,
// the stage's mounts (or, for a stage run on the host, its workspace bound
// at /harness), and scratch_dir/script as the scratch dir, since the script
// files' dir is bound into the image and must not hold the image's root.
// The host's /etc/resolv.conf and /etc/hosts are bound read-only over the
// image's (the step shares the host's network, as a container on the host
// network does), except where the image has a symlink there.
engine::StepWorkspace WorkspaceInImage(const engine::StepWorkspace& stage,
                                       const std::filesystem::path& root);

// Steps 1-4 for any step with an image: its spec's `image`, `connectorRef`
// and `imagePullPolicy`, the local store and rootfs cache of
// ctx.state_dir, the root in ctx.workspace.scratch_dir/image, logs through
// ctx.Log. A Plugin step uses it as is: it runs the image's own entrypoint,
// not a shell.
Result<std::unique_ptr<ImageRoot>> PrepareStepImage(engine::StepContext& ctx);

// Everything above for a Run step: the same, then step 5 for `shell`.
Result<std::unique_ptr<ImageRoot>> PrepareStepImage(engine::StepContext& ctx, runner::Shell shell);

// The outcome of a step whose image could not be made ready, as a container
// that cannot start fails in Harness: Aborted when cancelled, a
// Connectivity failure for a registry that cannot be reached (IoError), a
// Configuration failure for a missing image, program or shell (NotFound,
// FailedPrecondition, InvalidArgument); other errors leave the step Errored.
engine::StepOutcome ImageFailureOutcome(const Status& status);

}  // namespace sluice::steps
