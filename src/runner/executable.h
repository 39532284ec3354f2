// Finding the program a command names, the way execvp() would, but before
// anything is started so a missing binary becomes a clear IoError.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::runner {

// The search path used when the environment has no PATH.
inline constexpr std::string_view kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// `name` with a '/' is returned unchanged (it is resolved against the working
// directory at exec time). Otherwise the first executable regular file
// called `name` in the ':'-separated `path_list`; IoError naming it if none.
Result<std::string> ResolveExecutable(std::string_view name, std::string_view path_list);

// PATH from `env`, or kDefaultPath.
std::string SearchPathOf(const std::map<std::string, std::string>& env);

// A companion program installed beside the running executable (the build
// folder, or sluice's bin directory), such as sluice-stage-agent: the path
// in environment variable `env_override` when that is set, else
// <dir of /proc/self/exe>/<name>. NotFound saying which when not executable.
Result<std::string> FindBesideSelf(std::string_view name, const char* env_override);

}  // namespace sluice::runner
