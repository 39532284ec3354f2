#include "oci/builder_run.h"

#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <set>
#include <system_error>

#include "common/files.h"
#include "oci/rootfs_diff.h"
#include "oci/tar_format.h"
#include "runner/overlay.h"

namespace sluice::oci {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxSymlinkHops = 40;  // as the kernel's ELOOP limit

std::deque<std::string> Components(const std::string& path) {
  std::deque<std::string> parts;
  for (const auto& part : fs::path(path)) {
    std::string p = part.string();
    if (!p.empty() && p != "/" && p != ".") parts.push_back(p);
  }
  return parts;
}

class LogSink final : public runner::LineSink {
 public:
  explicit LogSink(const std::function<void(std::string_view)>& log) : log_(log) {}
  void OnLine(runner::StreamKind, std::string_view line) override {
    if (log_) log_(line);
  }

 private:
  const std::function<void(std::string_view)>& log_;
};

// Creates `dir` (absolute, in the image) under `root` like a layer entry
// would: missing parents 0755, never through a symlink leading outside.
Status MakeImageDir(const fs::path& root, const std::string& dir) {
  if (ResolveInRoot(root, dir)) return Status::Ok();
  std::string tar;
  TarEntry e;
  e.name = fs::path(dir).relative_path().generic_string() + "/";
  e.type = TarType::kDirectory;
  e.mode = 0755;
  AppendTarEntry(tar, e);
  AppendTarEnd(tar);
  return UnpackLayer(tar, root).Annotate("creating the working directory " + dir);
}

// The mount points bubblewrap makes in a root_dir that `rootfs` lacks.
std::set<std::string> MissingMountPoints(const fs::path& rootfs) {
  std::set<std::string> missing;
  for (const char* name : {"proc", "dev"}) {
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(rootfs / name, ec))) missing.insert(name);
  }
  return missing;
}

Result<runner::ProcessResult> Execute(const fs::path& root, const RunSpec& spec) {
  SLUICE_RETURN_IF_ERROR(MakeImageDir(root, spec.workdir));
  runner::ProcessSpec process;
  process.argv = spec.argv;
  process.env = spec.env;
  process.working_dir = spec.workdir;
  process.root_dir = root.string();
  process.user = spec.user;
  Cancellation never;
  LogSink sink(spec.log);
  runner::LocalProcessRunner runner;
  SLUICE_ASSIGN_OR_RETURN(runner::ProcessResult result,
                          runner.Run(process, sink, spec.cancel ? *spec.cancel : never));
  if (result.cancelled) return Status::Aborted("RUN cancelled");
  return result;
}

LayerOptions RunLayerOptions(int64_t epoch) {
  LayerOptions options;
  options.mtime = epoch;
  options.keep_owners = ::geteuid() == 0;
  return options;
}

Result<RunOutcome> RunInOverlay(const fs::path& rootfs, const RunSpec& spec) {
  SLUICE_ASSIGN_OR_RETURN(TempDir scratch, TempDir::Create("sluice-run-"));
  const fs::path& dir = scratch.path();
  SLUICE_ASSIGN_OR_RETURN(
      runner::OverlayMount mount,
      runner::OverlayMount::Create({rootfs}, dir / "upper", dir / "work", dir / "merged"));
  RunOutcome outcome;
  SLUICE_ASSIGN_OR_RETURN(outcome.process, Execute(mount.merged(), spec));
  SLUICE_RETURN_IF_ERROR(mount.Unmount());
  if (outcome.process.exit_code != 0) return outcome;
  SLUICE_ASSIGN_OR_RETURN(LayerChanges changes,
                          ChangesFromOverlayUpper(dir / "upper", MissingMountPoints(rootfs)));
  std::string tar;  // applied as it is: no need to decompress the layer just made
  SLUICE_ASSIGN_OR_RETURN(outcome.layer, BuildLayer(dir / "upper", RunLayerOptions(spec.epoch),
                                                    &changes, &tar, spec.sink));
  SLUICE_RETURN_IF_ERROR(UnpackLayer(tar, rootfs, RootfsUnpackOptions()));
  return outcome;
}

Result<RunOutcome> RunOnSnapshot(const fs::path& rootfs, const RunSpec& spec) {
  std::set<std::string> mount_points = MissingMountPoints(rootfs);
  SLUICE_ASSIGN_OR_RETURN(Snapshot before, TakeSnapshot(rootfs, mount_points));
  RunOutcome outcome;
  SLUICE_ASSIGN_OR_RETURN(outcome.process, Execute(rootfs, spec));
  // bubblewrap's empty mount points, not part of the image.
  for (const std::string& name : mount_points) {
    std::error_code ec;
    fs::remove_all(rootfs / name, ec);
  }
  if (outcome.process.exit_code != 0) return outcome;
  SLUICE_ASSIGN_OR_RETURN(Snapshot after, TakeSnapshot(rootfs, mount_points));
  LayerChanges changes = DiffSnapshots(before, after);
  SLUICE_ASSIGN_OR_RETURN(
      outcome.layer, BuildLayer(rootfs, RunLayerOptions(spec.epoch), &changes, nullptr, spec.sink));
  return outcome;
}

}  // namespace

std::optional<fs::path> ResolveInRoot(const fs::path& root, const std::string& path) {
  std::deque<std::string> todo = Components(path);
  std::vector<std::string> cur;
  int hops = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.front());
    todo.pop_front();
    if (part == "..") {
      if (!cur.empty()) cur.pop_back();
      continue;
    }
    fs::path here = root;
    for (const auto& c : cur) here /= c;
    here /= part;
    struct stat st;
    if (::lstat(here.c_str(), &st) != 0) return std::nullopt;
    if (!S_ISLNK(st.st_mode)) {
      cur.push_back(part);
      continue;
    }
    if (++hops > kMaxSymlinkHops) return std::nullopt;
    std::error_code ec;
    std::string target = fs::read_symlink(here, ec).string();
    if (ec) return std::nullopt;
    if (target.starts_with('/')) cur.clear();
    std::deque<std::string> next = Components(target);
    todo.insert(todo.begin(), next.begin(), next.end());
  }
  fs::path out = root;
  for (const auto& c : cur) out /= c;
  return out;
}

bool ProgramInRoot(const fs::path& root, const std::string& name, const std::string& path_list) {
  if (name.find('/') != std::string::npos) return ResolveInRoot(root, name).has_value();
  size_t start = 0;
  while (start <= path_list.size()) {
    size_t colon = path_list.find(':', start);
    if (colon == std::string::npos) colon = path_list.size();
    std::string dir = path_list.substr(start, colon - start);
    if (!dir.empty() && ResolveInRoot(root, dir + "/" + name)) return true;
    start = colon + 1;
  }
  return false;
}

UnpackOptions RootfsUnpackOptions() {
  UnpackOptions options;
  options.allow_devices = options.preserve_owners = ::geteuid() == 0;
  return options;
}

Result<RunOutcome> RunInRootfs(const fs::path& rootfs, const RunSpec& spec) {
  if (spec.argv.empty()) return Status::InvalidArgument("RUN has no command");
  auto path = spec.env.find("PATH");
  if (!ProgramInRoot(rootfs, spec.argv[0], path == spec.env.end() ? "" : path->second)) {
    return Status::FailedPrecondition("the image has no " + spec.argv[0]);
  }
  RunCapture capture = spec.capture;
  if (capture == RunCapture::kAuto) {
    capture = runner::OverlayAvailable() ? RunCapture::kOverlay : RunCapture::kSnapshot;
  }
  return capture == RunCapture::kOverlay ? RunInOverlay(rootfs, spec) : RunOnSnapshot(rootfs, spec);
}

}  // namespace sluice::oci
