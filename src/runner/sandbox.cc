#include "runner/sandbox.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <set>

#include "common/files.h"
#include "runner/executable.h"

namespace sluice::runner {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRunAsName = "sluice-run-as";
// On bubblewrap's own /dev tmpfs, so nothing is created in the image's root.
constexpr const char* kRunAsInSandbox = "/dev/.sluice-run-as";

std::string Normalize(const std::string& path) {
  std::string p = fs::path(path).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

bool IsAtOrUnder(const std::string& path, const std::string& dir) {
  if (dir == "/") return true;
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                         path[dir.size()] == '/');
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// Adds bwrap arguments that recreate host directory `dir` on the sandbox's
// tmpfs root: its entries are bound one by one, except those in `rebuild`,
// which are recreated the same way.
void Rebuild(const std::string& dir, const std::set<std::string>& rebuild,
             std::vector<std::string>& args) {
  if (dir != "/") {
    struct stat st;
    mode_t mode = ::stat(dir.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0755;
    char perms[8];
    std::snprintf(perms, sizeof perms, "%04o", static_cast<unsigned>(mode));
    args.insert(args.end(), {"--perms", perms, "--dir", dir});
  }
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e);
  std::sort(entries.begin(), entries.end());
  for (const auto& e : entries) {
    std::string p = e.path().string();
    if (rebuild.count(p) != 0) {
      Rebuild(p, rebuild, args);
    } else if (e.is_symlink(ec)) {
      args.insert(args.end(), {"--symlink", fs::read_symlink(e.path(), ec).string(), p});
    } else {
      // -try: the entry may vanish before bwrap starts (think of /tmp).
      args.insert(args.end(), {"--dev-bind-try", p, p});
    }
  }
}

// The image root `root` read-only on bubblewrap's tmpfs root: each top-level
// entry bound read-only (symlinks recreated), so a fresh /proc, /dev and a
// writable tmpfs /tmp can go on top even when the image has no such
// directories; the caller remounts / read-only once the mounts are made.
void ReadOnlyRoot(const fs::path& root, std::vector<std::string>& args) {
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) entries.push_back(e);
  std::sort(entries.begin(), entries.end());
  for (const auto& e : entries) {
    const std::string target = "/" + e.path().filename().string();
    if (target == "/proc" || target == "/dev" || target == "/tmp") continue;
    if (e.is_symlink(ec)) {
      args.insert(args.end(), {"--symlink", fs::read_symlink(e.path(), ec).string(), target});
    } else {
      args.insert(args.end(), {"--ro-bind", e.path().string(), target});
    }
  }
  args.insert(args.end(), {"--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"});
}

}  // namespace

Result<std::string> FindBubblewrap() {
  const char* path = std::getenv("PATH");
  auto found = ResolveExecutable("bwrap", path != nullptr ? path : kDefaultPath);
  if (!found.ok()) {
    return Status::IoError(
        "bubblewrap (bwrap) is not installed; it is needed to run steps with mounts");
  }
  return found;
}

Result<std::vector<std::string>> SandboxArgv(const std::string& bwrap, const ProcessSpec& spec,
                                             const std::vector<std::string>& command,
                                             bool command_is_init) {
  std::vector<std::string> targets;
  std::set<std::string> rebuild;  // host directories recreated on the tmpfs root
  for (const Mount& m : spec.mounts) {
    if (m.target.empty() || m.target[0] != '/') {
      return Status::InvalidArgument("mount target must be an absolute path: \"" + m.target + "\"");
    }
    if (m.source.empty()) return Status::InvalidArgument("mount source is empty for " + m.target);
    if (!Exists(m.source)) SLUICE_RETURN_IF_ERROR(MakeDirs(m.source));
    std::string target = Normalize(m.target);
    bool inside_earlier = std::any_of(targets.begin(), targets.end(),
                                      [&](const std::string& t) { return IsAtOrUnder(target, t); });
    targets.push_back(target);
    // Inside an earlier mount bwrap creates it in that mount's source, and
    // in an image root in root_dir: fine.
    if (inside_earlier || !spec.root_dir.empty() || Exists(target)) continue;
    fs::path dir = fs::path(target).parent_path();
    while (!Exists(dir.string())) dir = dir.parent_path();
    std::error_code ec;
    fs::path real = fs::canonical(dir, ec);
    for (fs::path p = ec ? dir : real;; p = p.parent_path()) {
      rebuild.insert(p.string());
      if (p == p.root_path()) break;
    }
  }

  std::vector<std::string> args{bwrap};
  if (!spec.root_dir.empty() && spec.read_only_root) {
    ReadOnlyRoot(fs::absolute(spec.root_dir).lexically_normal(), args);
  } else if (!spec.root_dir.empty()) {
    args.insert(args.end(), {"--bind", fs::absolute(spec.root_dir).lexically_normal().string(),
                             "/", "--proc", "/proc", "--dev", "/dev"});
  } else if (rebuild.empty()) {
    args.insert(args.end(), {"--dev-bind", "/", "/"});
  } else {
    Rebuild("/", rebuild, args);
  }
  for (const Mount& m : spec.mounts) {
    args.insert(args.end(), {m.read_only ? "--ro-bind" : "--bind",
                             fs::absolute(m.source).lexically_normal().string(), m.target});
  }
  args.push_back("--unshare-pid");
  args.push_back(command_is_init ? "--as-pid-1" : "--die-with-parent");
  if (!spec.working_dir.empty()) args.insert(args.end(), {"--chdir", spec.working_dir});
  if (!spec.root_dir.empty() && spec.read_only_root) args.insert(args.end(), {"--remount-ro", "/"});
  if (spec.user && !spec.root_dir.empty()) {
    auto helper = FindBesideSelf(kRunAsName, "SLUICE_RUN_AS");
    if (!helper.ok()) {
      return Status::IoError(helper.status().message() +
                             "; it is needed to run a command as a user other than root");
    }
    args.insert(args.end(), {"--ro-bind", *helper, kRunAsInSandbox, "--", kRunAsInSandbox,
                             std::to_string(spec.user->uid), std::to_string(spec.user->gid)});
  }
  args.push_back("--");
  args.insert(args.end(), command.begin(), command.end());
  return args;
}

namespace {

class DiscardSink final : public LineSink {
 public:
  void OnLine(StreamKind, std::string_view) override {}
};

}  // namespace

bool SandboxAvailable() {
  static std::once_flag once;
  static bool available = false;
  std::call_once(once, [] {
    auto bwrap = FindBubblewrap();
    if (!bwrap.ok()) return;
    ProcessSpec spec;
    spec.argv = {*bwrap,          "--dev-bind",        "/",  "/",
                 "--unshare-pid", "--die-with-parent", "--", "true"};
    spec.env = {{"PATH", std::string(kDefaultPath)}};
    spec.timeout = Millis(10'000);
    DiscardSink sink;
    Cancellation never;
    LocalProcessRunner runner;
    auto result = runner.Run(spec, sink, never);
    available = result.ok() && result->exit_code == 0;
  });
  return available;
}

}  // namespace sluice::runner
