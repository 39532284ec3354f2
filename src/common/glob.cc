#include "common/glob.h"

#include <fnmatch.h>

#include <algorithm>

namespace sluice {
namespace {

std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= s.size()) {
    size_t slash = s.find('/', start);
    if (slash == std::string_view::npos) slash = s.size();
    if (slash > start) parts.push_back(s.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

bool MatchParts(const std::vector<std::string_view>& pat, size_t pi,
                const std::vector<std::string_view>& path, size_t si) {
  if (pi == pat.size()) return si == path.size();
  if (pat[pi] == "**") {
    for (size_t k = si; k <= path.size(); ++k) {
      if (MatchParts(pat, pi + 1, path, k)) return true;
    }
    return false;
  }
  if (si == path.size()) return false;
  std::string p(pat[pi]);
  std::string s(path[si]);
  if (fnmatch(p.c_str(), s.c_str(), FNM_PERIOD) != 0) return false;
  return MatchParts(pat, pi + 1, path, si + 1);
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view path) {
  return MatchParts(Split(pattern), 0, Split(path), 0);
}

std::vector<std::filesystem::path> FindFiles(const std::filesystem::path& root,
                                             std::string_view pattern) {
  std::string pat(pattern);
  std::string root_text = root.lexically_normal().string();
  if (!pat.empty() && pat[0] == '/') {
    if (pat.rfind(root_text + "/", 0) == 0) pat = pat.substr(root_text.size() + 1);
    else return {};
  }
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  auto it = std::filesystem::recursive_directory_iterator(root, ec);
  if (ec) return out;
  for (; it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file(ec)) continue;
    std::string rel = it->path().lexically_relative(root).string();
    if (GlobMatch(pat, rel)) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace sluice
