// File globs as CI tools use them: `*` and `?` and `[...]` within one path
// segment, `**` across any number of segments (including none).
//   reports/**/*.xml   matches reports/a.xml and reports/x/y/a.xml
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

// Matches a relative, '/'-separated `path` against `pattern`.
bool GlobMatch(std::string_view pattern, std::string_view path);

// Regular files under `root` whose path relative to `root` matches `pattern`
// (an absolute pattern is first made relative to `root` when it lies under
// it). Sorted; symlinked directories are not followed.
std::vector<std::filesystem::path> FindFiles(const std::filesystem::path& root,
                                             std::string_view pattern);

}  // namespace sluice
