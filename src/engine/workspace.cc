#include "engine/workspace.h"

#include <algorithm>

#include "common/files.h"

namespace sluice::engine {

namespace fs = std::filesystem;

namespace {

// "/harness/output" → "harness/output": each shared path keeps its own shape
// under shared/, so nested shared paths nest on disk the way they do in steps.
std::filesystem::path SharedDirName(const std::string& path) {
  return std::filesystem::path(path).lexically_normal().relative_path();
}

}  // namespace

fs::path ExecutionWorkDir(const fs::path& state_dir, const std::string& execution_id) {
  return state_dir / "work" / execution_id;
}

Result<StageWorkspace> PrepareStageWorkspace(const fs::path& work_dir, const std::string& stage_id,
                                             const std::vector<std::string>& shared_paths,
                                             bool sandbox) {
  StageWorkspace ws;
  ws.host_dir = work_dir / "stages" / stage_id;
  SLUICE_RETURN_IF_ERROR(MakeDirs(ws.host_dir));
  std::vector<std::string> paths = shared_paths;
  // Parents before children, so /harness/output lands on top of /harness.
  std::sort(paths.begin(), paths.end());
  if (sandbox) {
    ws.working_dir = std::string(kWorkspaceMount);
    ws.mounts.push_back({ws.host_dir.string(), std::string(kWorkspaceMount), false});
  } else {
    ws.working_dir = ws.host_dir.string();
  }
  for (const std::string& p : paths) {
    if (p.empty() || p[0] != '/' || p.find("..") != std::string::npos) {
      return Status::InvalidArgument("shared path \"" + p +
                                     "\" must be an absolute path without \"..\" (e.g. /harness/output)");
    }
    fs::path shared = work_dir / "shared" / SharedDirName(p);
    SLUICE_RETURN_IF_ERROR(MakeDirs(shared));
    if (sandbox) {
      ws.mounts.push_back({shared.string(), p, false});
      continue;
    }
    std::string prefix = std::string(kWorkspaceMount) + "/";
    if (p.rfind(prefix, 0) != 0) continue;  // outside the workspace: not reachable on the host
    fs::path link = ws.host_dir / p.substr(prefix.size());
    std::error_code ec;
    fs::create_directories(link.parent_path(), ec);
    // A workspace copied from an earlier execution (retry) holds links to that
    // execution's shared folders: point them at this one's.
    if (fs::is_symlink(fs::symlink_status(link)) && fs::read_symlink(link, ec) != shared) fs::remove(link, ec);
    if (!fs::exists(fs::symlink_status(link))) fs::create_directory_symlink(shared, link, ec);
    if (ec) return Status::IoError("cannot link shared path " + p + ": " + ec.message());
  }
  return ws;
}

Status CopyWorkDir(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (!fs::exists(from, ec)) return Status::Ok();
  fs::create_directories(to, ec);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks |
                         fs::copy_options::overwrite_existing, ec);
  if (ec) {
    return Status::IoError("cannot copy the workspace of the earlier execution from " +
                           from.string() + ": " + ec.message());
  }
  return Status::Ok();
}

}  // namespace sluice::engine
