// Per-execution directories on the host and how steps see them.
//
//   <state>/work/<execution>/stages/<stage>/   a stage's workspace, /harness to its steps
//   <state>/work/<execution>/shared/<path>     one directory per `sharedPaths` entry
//                                              (/harness/output → shared/harness/output),
//                                              the same for every stage of the execution
//
// Everything lives under the execution's folder so `sluice resume` finds it
// again after a crash and `sluice retry` can copy it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"
#include "runner/process.h"

namespace sluice::engine {

inline constexpr std::string_view kWorkspaceMount = "/harness";

struct StageWorkspace {
  std::filesystem::path host_dir;
  std::string working_dir;            // what steps see
  std::vector<runner::Mount> mounts;  // empty when not sandboxed
};

std::filesystem::path ExecutionWorkDir(const std::filesystem::path& state_dir,
                                       const std::string& execution_id);

// Creates the stage workspace and the shared-path directories. With
// `sandbox`, the workspace is mounted at /harness and each shared path at its
// own path (parents before children); without it, steps run in the host
// directory and shared paths under /harness become symlinks inside it.
Result<StageWorkspace> PrepareStageWorkspace(const std::filesystem::path& work_dir,
                                             const std::string& stage_id,
                                             const std::vector<std::string>& shared_paths,
                                             bool sandbox);

// Copies an earlier execution's work folder (for `sluice retry`), so steps
// that are reused leave their files where later steps expect them.
Status CopyWorkDir(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace sluice::engine
