// Test helper (linked into sluice_tests only): runs an installed tool such as
// tar, skopeo or umoci as an independent reader of what src/oci writes.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::oci::testing {

struct ToolRun {
  int exit_code = -1;  // -1 when the tool could not be started
  std::string output;  // stdout and stderr together
};

// Runs argv[0] (looked up on PATH) with the rest as arguments, no shell.
ToolRun RunTool(const std::vector<std::string>& argv);

// Empty when `name` is on PATH; otherwise a message for the failing test
// naming the Debian package to install.
std::string MissingTool(const std::string& name, const std::string& package);

// RunTool once argv[0] is known to be installed; IoError with MissingTool's
// message when it is not.
Result<ToolRun> RunRequiredTool(const std::vector<std::string>& argv, const std::string& package);

}  // namespace sluice::oci::testing
