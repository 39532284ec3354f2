#include "steps/build_context.h"

#include <algorithm>
#include <system_error>
#include <vector>

#include "common/files.h"

namespace sluice::steps {

namespace fs = std::filesystem;

namespace {

// Links (or copies) the tree at `from` into `to`, which must not exist yet.
Status LinkTree(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::copy(from, to,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks |
               fs::copy_options::create_hard_links,
           ec);
  if (!ec) return Status::Ok();
  fs::remove_all(to, ec);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) return Status::IoError("copying " + from.string() + " into the build context: " + ec.message());
  return Status::Ok();
}

}  // namespace

Result<fs::path> HostBuildContext(const engine::StepWorkspace& workspace,
                                  const std::string& context) {
  std::string seen = context.empty() ? "." : context;
  if (seen[0] != '/') seen = workspace.working_dir + "/" + seen;
  seen = fs::path(seen).lexically_normal().string();
  while (seen.size() > 1 && seen.back() == '/') seen.pop_back();
  fs::path host = workspace.ToHost(seen);
  if (!host.has_filename()) host = host.parent_path();  // "dir/" from a mount's own target

  // Mounts strictly inside the context, outermost first.
  std::vector<const runner::Mount*> inside;
  for (const runner::Mount& m : workspace.mounts) {
    std::string target = fs::path(m.target).lexically_normal().string();
    if (target.size() > seen.size() && target.compare(0, seen.size(), seen) == 0 &&
        (target[seen.size()] == '/' || seen == "/")) {
      inside.push_back(&m);
    }
  }
  if (inside.empty()) return host;
  std::sort(inside.begin(), inside.end(), [](const runner::Mount* a, const runner::Mount* b) {
    return a->target.size() < b->target.size();
  });

  fs::path view = workspace.scratch_dir / "build-context";
  std::error_code ec;
  fs::remove_all(view, ec);
  SLUICE_RETURN_IF_ERROR(LinkTree(host, view));
  for (const runner::Mount* m : inside) {
    fs::path rel = fs::path(m->target).lexically_normal().lexically_relative(seen);
    fs::path place = view / rel;
    fs::remove_all(place, ec);  // what the workspace had under the mount point is hidden
    SLUICE_RETURN_IF_ERROR(MakeDirs(place.parent_path()));
    if (fs::exists(m->source)) SLUICE_RETURN_IF_ERROR(LinkTree(m->source, place));
  }
  return view;
}

}  // namespace sluice::steps
