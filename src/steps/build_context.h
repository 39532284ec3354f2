// The build context of a BuildAndPush step as the stage's commands see it.
//
// A stage's shared paths (/harness/output) are mounted over its workspace
// (/harness) for commands, but on the host they live in another directory,
// so the workspace directory alone lacks them. Harness builds in a container
// that sees the same volumes; so does sluice: when a mount lies inside the
// context, the context is assembled in a scratch directory from hard links
// of the workspace files and of each mounted directory at its place (copies
// where hard links cannot be made). Otherwise the host directory is used as
// it is, without copying anything.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"
#include "engine/step.h"

namespace sluice::steps {

// `context` as commands see it (relative paths start at the working dir).
// Returns the host directory to build from; a view is made under
// `workspace.scratch_dir`. IoError when the view cannot be made.
Result<std::filesystem::path> HostBuildContext(const engine::StepWorkspace& workspace,
                                               const std::string& context);

}  // namespace sluice::steps
