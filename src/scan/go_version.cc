// GoStdlibVersion: a Go toolchain's release name as a semantic version.
#include <cctype>

#include "scan/inventory_parsers.h"

namespace sluice::scan::internal {

std::string GoStdlibVersion(std::string_view go_version) {
  std::string_view go = go_version.substr(0, go_version.find(' '));
  if (!go.starts_with("go") || go.size() < 3) return "";
  go.remove_prefix(2);
  // The numeric core: "1", "1.21" or "1.21.4".
  size_t end = 0;
  int dots = 0;
  while (end < go.size() && (std::isdigit(static_cast<unsigned char>(go[end])) ||
                             (go[end] == '.' && end > 0 && go[end - 1] != '.'))) {
    dots += go[end] == '.' ? 1 : 0;
    ++end;
  }
  std::string_view core = go.substr(0, end);
  if (core.empty() || core.back() == '.' || dots > 2) return "";
  std::string version = "v" + std::string(core);
  for (; dots < 2; ++dots) version += ".0";
  std::string_view rest = go.substr(end);
  if (rest.empty()) return version;
  for (std::string_view kind : {"rc", "beta", "alpha"}) {
    if (!rest.starts_with(kind)) continue;
    std::string_view number = rest.substr(kind.size());
    if (number.empty()) return "";
    for (char c : number) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return "";
    }
    return version + "-" + std::string(kind) + "." + std::string(number);
  }
  return "";
}

}  // namespace sluice::scan::internal
