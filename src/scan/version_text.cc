#include "scan/version_text.h"

namespace sluice::scan::version_text {

std::string_view TrimSpace(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

int CompareDigitRuns(std::string_view a, std::string_view b) {
  auto strip = [](std::string_view run) {
    size_t first = run.find_first_not_of('0');
    return first == std::string_view::npos ? std::string_view() : run.substr(first);
  };
  a = strip(a);
  b = strip(b);
  // Without leading zeros, the longer run is the larger number; runs of one
  // length compare digit by digit.
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return CompareBytes(a, b);
}

int CompareBytes(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace sluice::scan::version_text
