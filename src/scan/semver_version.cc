// SemVer 2.0 ordering (npm, Go, OSV's SEMVER ranges), read leniently: a
// leading 'v' (Go's v1.2.3), any number of core numbers (missing ones are 0,
// so 1.2 == 1.2.0, and Maven-like 1.2.3.4 still orders), numbers compared by
// value. Build metadata is ignored. Strings with no numeric core, or with an
// empty pre-release identifier, sort before every valid version, in byte
// order.
#include <optional>
#include <vector>

#include "scan/version_order.h"
#include "scan/version_text.h"

namespace sluice::scan {
namespace {

using version_text::CompareBytes;
using version_text::CompareDigitRuns;
using version_text::IsAlpha;
using version_text::IsDigit;

struct SemverVersion {
  std::vector<std::string_view> core;        // digit runs
  std::vector<std::string_view> prerelease;  // identifiers; empty for a release
};

std::vector<std::string_view> SplitDots(std::string_view text) {
  std::vector<std::string_view> parts;
  for (;;) {
    size_t dot = text.find('.');
    parts.push_back(text.substr(0, dot));
    if (dot == std::string_view::npos) return parts;
    text.remove_prefix(dot + 1);
  }
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return !s.empty();
}

bool IsIdentifier(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c) && !IsAlpha(c) && c != '-') return false;
  }
  return !s.empty();
}

std::optional<SemverVersion> Parse(std::string_view text) {
  text = version_text::TrimSpace(text);
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  text = text.substr(0, text.find('+'));  // build metadata never orders
  SemverVersion v;
  size_t dash = text.find('-');
  if (dash != std::string_view::npos) {
    v.prerelease = SplitDots(text.substr(dash + 1));
    for (std::string_view id : v.prerelease) {
      if (!IsIdentifier(id)) return std::nullopt;
    }
    text = text.substr(0, dash);
  }
  v.core = SplitDots(text);
  for (std::string_view n : v.core) {
    if (!AllDigits(n)) return std::nullopt;
  }
  return v;
}

int CompareCore(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  for (size_t i = 0; i < a.size() || i < b.size(); ++i) {
    std::string_view x = i < a.size() ? a[i] : "0";
    std::string_view y = i < b.size() ? b[i] : "0";
    if (int c = CompareDigitRuns(x, y); c != 0) return c;
  }
  return 0;
}

// SemVer 2.0 §11: a release is newer than its pre-releases; identifiers
// compare one by one, numeric ones by value and below alphanumeric ones;
// a longer list wins when all before are equal.
int ComparePrerelease(const std::vector<std::string_view>& a,
                      const std::vector<std::string_view>& b) {
  if (a.empty() != b.empty()) return a.empty() ? 1 : -1;
  for (size_t i = 0; i < a.size() || i < b.size(); ++i) {
    if (i == a.size()) return -1;
    if (i == b.size()) return 1;
    bool na = AllDigits(a[i]), nb = AllDigits(b[i]);
    if (na != nb) return na ? -1 : 1;
    int c = na ? CompareDigitRuns(a[i], b[i]) : CompareBytes(a[i], b[i]);
    if (c != 0) return c;
  }
  return 0;
}

}  // namespace

int CompareSemverVersions(std::string_view a, std::string_view b) {
  std::optional<SemverVersion> va = Parse(a);
  std::optional<SemverVersion> vb = Parse(b);
  if (va && vb) {
    if (int c = CompareCore(va->core, vb->core); c != 0) return c;
    return ComparePrerelease(va->prerelease, vb->prerelease);
  }
  if (va || vb) return va ? 1 : -1;
  return CompareBytes(version_text::TrimSpace(a), version_text::TrimSpace(b));
}

}  // namespace sluice::scan
