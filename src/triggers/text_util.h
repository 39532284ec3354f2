// Internal to src/triggers: splitting text on a separator.
#pragma once

#include <string_view>
#include <vector>

namespace sluice::triggers::internal {

// The pieces of `text` between `sep`s, empty ones included ("a,,b" has 3).
inline std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t at = text.find(sep, start);
    if (at == std::string_view::npos) {
      out.push_back(text.substr(start));
      return out;
    }
    out.push_back(text.substr(start, at - start));
    start = at + 1;
  }
}

}  // namespace sluice::triggers::internal
