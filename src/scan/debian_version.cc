// Debian version ordering (dpkg; Debian Policy 5.6.12):
// [epoch:]upstream_version[-debian_revision], compared epoch (as a number),
// then upstream, then revision, the last two with the same string rule.
#include "scan/version_order.h"
#include "scan/version_text.h"

namespace sluice::scan {
namespace {

using version_text::CompareDigitRuns;
using version_text::IsAlpha;
using version_text::IsDigit;

struct DebianVersion {
  std::string_view epoch;  // digits; empty is 0
  std::string_view upstream;
  std::string_view revision;  // empty compares as "0"
};

// dpkg rejects an epoch that is not a number; such a string still has to
// compare, so a ':' not preceded by digits alone is kept in the upstream part.
DebianVersion Split(std::string_view text) {
  DebianVersion v;
  size_t colon = text.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    std::string_view epoch = text.substr(0, colon);
    bool digits = true;
    for (char c : epoch) digits = digits && IsDigit(c);
    if (digits) {
      v.epoch = epoch;
      text.remove_prefix(colon + 1);
    }
  }
  size_t dash = text.rfind('-');
  if (dash != std::string_view::npos) {
    v.revision = text.substr(dash + 1);
    text = text.substr(0, dash);
  }
  v.upstream = text;
  return v;
}

// The weight of a character in a non-digit run: '~' below the end of the
// string, the end (0) below letters, letters below every other character.
int Order(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  char c = s[i];
  if (c == '~') return -1;
  if (IsDigit(c)) return 0;  // a digit ends the run, as the end does
  if (IsAlpha(c)) return static_cast<unsigned char>(c);
  return static_cast<unsigned char>(c) + 256;
}

// dpkg's verrevcmp: alternately the longest non-digit prefixes (character by
// character, by Order) and the longest digit prefixes (by value).
int ComparePart(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !IsDigit(a[i])) || (j < b.size() && !IsDigit(b[j]))) {
      int oa = Order(a, i), ob = Order(b, j);
      if (oa != ob) return oa < ob ? -1 : 1;
      // Equal weights here mean the same non-digit character in both.
      ++i;
      ++j;
    }
    size_t di = i, dj = j;
    while (i < a.size() && IsDigit(a[i])) ++i;
    while (j < b.size() && IsDigit(b[j])) ++j;
    int c = CompareDigitRuns(a.substr(di, i - di), b.substr(dj, j - dj));
    if (c != 0) return c;
  }
  return 0;
}

}  // namespace

int CompareDebianVersions(std::string_view a, std::string_view b) {
  DebianVersion va = Split(version_text::TrimSpace(a));
  DebianVersion vb = Split(version_text::TrimSpace(b));
  if (int c = CompareDigitRuns(va.epoch, vb.epoch); c != 0) return c;
  if (int c = ComparePart(va.upstream, vb.upstream); c != 0) return c;
  return ComparePart(va.revision, vb.revision);
}

}  // namespace sluice::scan
