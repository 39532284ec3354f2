// PEP 440 version ordering, as the `packaging` library sorts versions:
//   [v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]
// with the spellings PEP 440 normalises (case, "alpha"/"beta"/"c"/"pre"/
// "preview", "-N" and "rev"/"r" posts, '-', '_' or '.' separators, implicit
// numbers). Strings that do not parse sort before every valid version, in
// byte order, as pip's legacy versions did.
#include <optional>
#include <string>
#include <vector>

#include "scan/version_order.h"
#include "scan/version_text.h"

namespace sluice::scan {
namespace {

using version_text::CompareBytes;
using version_text::CompareDigitRuns;
using version_text::IsDigit;
using version_text::IsLower;

struct Pep440Version {
  std::string epoch;                 // digits; empty is 0
  std::vector<std::string> release;  // digit runs, trailing zeros dropped
  // Pre-release: 0 = a, 1 = b, 2 = rc; absent when not a pre-release.
  std::optional<int> pre_kind;
  std::string pre_number;
  std::optional<std::string> post;
  std::optional<std::string> dev;
  // Local segments, lower-case; numeric ones compare by value and above
  // alphanumeric ones.
  std::vector<std::string> local;
};

// A cursor over the lower-cased version text.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  size_t pos() const { return pos_; }
  void Reset(size_t pos) { pos_ = pos; }

  bool Take(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  bool TakeWord(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  // One optional '-', '_' or '.'.
  void TakeSeparator() {
    char c = Peek();
    if (c == '-' || c == '_' || c == '.') ++pos_;
  }
  std::string TakeDigits() {
    size_t start = pos_;
    while (IsDigit(Peek())) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  std::string TakeAlnum() {
    size_t start = pos_;
    while (IsDigit(Peek()) || IsLower(Peek())) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// "[sep]label[sep][N]" for the first label that matches; the label's index
// in `labels`, or -1 (the reader unmoved).
int TakeLabeled(Reader& r, const std::vector<std::string_view>& labels, std::string& number) {
  size_t start = r.pos();
  r.TakeSeparator();
  for (size_t i = 0; i < labels.size(); ++i) {
    if (!r.TakeWord(labels[i])) continue;
    r.TakeSeparator();
    // A separator with no number after it stays consumed ("1.0a." is
    // 1.0a0), as the reference regular expression's greedy "[-_.]?" does.
    number = r.TakeDigits();
    return static_cast<int>(i);
  }
  r.Reset(start);
  return -1;
}

std::optional<Pep440Version> Parse(std::string_view raw) {
  std::string text(version_text::TrimSpace(raw));
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  Reader r(text);
  Pep440Version v;
  r.Take('v');
  std::string first = r.TakeDigits();
  if (first.empty()) return std::nullopt;
  if (r.Take('!')) {
    v.epoch = first;
    first = r.TakeDigits();
    if (first.empty()) return std::nullopt;
  }
  v.release.push_back(first);
  for (;;) {
    size_t before = r.pos();
    if (!r.Take('.')) break;
    std::string part = r.TakeDigits();
    if (part.empty()) {
      r.Reset(before);  // ".post1" and the like: not a release part
      break;
    }
    v.release.push_back(part);
  }
  // 1.0.0 == 1.0 == 1: trailing zeros do not count.
  while (!v.release.empty() && CompareDigitRuns(v.release.back(), "0") == 0) {
    v.release.pop_back();
  }

  std::string number;
  // Longer spellings first, so "alpha" is not read as "a" then "lpha".
  static const std::vector<std::string_view> kPre = {"alpha",   "a",   "beta", "b",
                                                     "preview", "pre", "c",    "rc"};
  static const int kPreKind[] = {0, 0, 1, 1, 2, 2, 2, 2};
  if (int i = TakeLabeled(r, kPre, number); i >= 0) {
    v.pre_kind = kPreKind[i];
    v.pre_number = number;
  }
  size_t before_post = r.pos();
  if (r.Take('-') && IsDigit(r.Peek())) {
    v.post = r.TakeDigits();
  } else {
    r.Reset(before_post);
    static const std::vector<std::string_view> kPost = {"post", "rev", "r"};
    if (TakeLabeled(r, kPost, number) >= 0) v.post = number;
  }
  static const std::vector<std::string_view> kDev = {"dev"};
  if (TakeLabeled(r, kDev, number) >= 0) v.dev = number;
  if (r.Take('+')) {
    // [a-z0-9]+([-_.][a-z0-9]+)*
    for (;;) {
      std::string segment = r.TakeAlnum();
      if (segment.empty()) return std::nullopt;
      v.local.push_back(segment);
      if (r.AtEnd()) break;
      char c = r.Peek();
      if (c != '-' && c != '_' && c != '.') return std::nullopt;
      r.Take(c);
    }
  }
  if (!r.AtEnd()) return std::nullopt;
  return v;
}

bool AllDigits(const std::string& s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return !s.empty();
}

int CompareRelease(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < a.size() || i < b.size(); ++i) {
    if (i == a.size()) return -1;  // trailing zeros are gone: longer is newer
    if (i == b.size()) return 1;
    if (int c = CompareDigitRuns(a[i], b[i]); c != 0) return c;
  }
  return 0;
}

// The pre-release slot of packaging's sort key: a dev release of a final
// version ("1.0.dev1") sorts before its pre-releases, a final or post
// release after them.
int PreRank(const Pep440Version& v) {
  if (v.pre_kind) return 1;
  if (!v.post && v.dev) return 0;
  return 2;
}

int CompareLocal(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < a.size() || i < b.size(); ++i) {
    if (i == a.size()) return -1;
    if (i == b.size()) return 1;
    bool na = AllDigits(a[i]), nb = AllDigits(b[i]);
    if (na != nb) return na ? 1 : -1;
    int c = na ? CompareDigitRuns(a[i], b[i]) : CompareBytes(a[i], b[i]);
    if (c != 0) return c;
  }
  return 0;
}

int Compare(const Pep440Version& a, const Pep440Version& b) {
  if (int c = CompareDigitRuns(a.epoch, b.epoch); c != 0) return c;
  if (int c = CompareRelease(a.release, b.release); c != 0) return c;
  if (int c = version_text::Sign(PreRank(a), PreRank(b)); c != 0) return c;
  if (a.pre_kind) {
    if (int c = version_text::Sign(*a.pre_kind, *b.pre_kind); c != 0) return c;
    if (int c = CompareDigitRuns(a.pre_number, b.pre_number); c != 0) return c;
  }
  // No post release sorts before any post release.
  if (a.post.has_value() != b.post.has_value()) return a.post ? 1 : -1;
  if (a.post) {
    if (int c = CompareDigitRuns(*a.post, *b.post); c != 0) return c;
  }
  // No dev release sorts after any dev release.
  if (a.dev.has_value() != b.dev.has_value()) return a.dev ? -1 : 1;
  if (a.dev) {
    if (int c = CompareDigitRuns(*a.dev, *b.dev); c != 0) return c;
  }
  return CompareLocal(a.local, b.local);
}

}  // namespace

int ComparePep440Versions(std::string_view a, std::string_view b) {
  std::optional<Pep440Version> va = Parse(a);
  std::optional<Pep440Version> vb = Parse(b);
  if (va && vb) return Compare(*va, *vb);
  if (va || vb) return va ? 1 : -1;  // invalid strings sort first
  return CompareBytes(version_text::TrimSpace(a), version_text::TrimSpace(b));
}

}  // namespace sluice::scan
