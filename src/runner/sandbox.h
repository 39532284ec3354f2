// How a ProcessSpec with mounts becomes a bubblewrap command line. Internal
// to the runner module (LocalProcessRunner uses it; tests inspect it).
//
// Layout of the sandbox:
//  - Normally the whole host filesystem is bound at / (--dev-bind / /) and
//    the mounts are bound on top, so host paths (scratch dirs, tools) work.
//  - A mount target that does not exist on the host (e.g. /harness) cannot
//    be created through that bind without creating it on the host too (or,
//    unprivileged, failing). Then the directory that would hold it — the
//    deepest existing ancestor, and every directory above it — is rebuilt on
//    bubblewrap's tmpfs root: each host entry of it is bound (or its symlink
//    recreated) one by one, and bubblewrap makes the missing target on the
//    tmpfs. Host files stay visible and writable, but a rebuilt directory is
//    a snapshot of its entries: entries created in it later (on the host or
//    in the sandbox) are not shared. Target paths at the top level (like
//    /harness) only rebuild /, which rarely changes.
//  - With spec.root_dir (a container image's root) that directory is bound
//    at / instead, with --proc /proc and --dev /dev, and the mounts on top;
//    bwrap creates missing targets inside root_dir.
//  - --unshare-pid --die-with-parent: every process of the command dies with
//    the sandbox, even one that left the process group.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "runner/process.h"

namespace sluice::runner {

// The bwrap executable from the host PATH; IoError when not installed.
Result<std::string> FindBubblewrap();

// argv for running `command` (argv[0] already resolved) under `bwrap` with
// spec.mounts and spec.working_dir. Creates missing mount sources.
// `command_is_init`: the command is the namespace's pid 1 (--as-pid-1, no
// --die-with-parent), so the sandbox lives exactly as long as the command
// (see runner/stage_agent.h for why the agent wants that).
Result<std::vector<std::string>> SandboxArgv(const std::string& bwrap, const ProcessSpec& spec,
                                             const std::vector<std::string>& command,
                                             bool command_is_init = false);

}  // namespace sluice::runner
