// Alpine (apk) version ordering, after apk-tools' version.c:
//   digit{.digit}...{letter}{_suffix{N}}...{~hash}{-rN}
// Versions are read as a sequence of typed tokens; while both sides have a
// token of the same type the values decide. When the types differ, the
// version that goes on is newer unless what it goes on with is a
// pre-release suffix (_alpha, _beta, _pre, _rc): 1.2.3a > 1.2.3,
// 1.2.3_p1 > 1.2.3 > 1.2.3_rc1, 1.2.3-r1 > 1.2.3. A token apk would reject
// ends that version there and sorts it before one that continues validly;
// when both become invalid at the same point, the rest compares byte-wise
// (apk calls such versions equal, which would not be a total order).
#include "scan/version_order.h"
#include "scan/version_text.h"

namespace sluice::scan {
namespace {

using version_text::CompareBytes;
using version_text::CompareDigitRuns;
using version_text::IsDigit;
using version_text::IsLower;

// In this order: when one version ends or changes token type first, the
// larger type is the older version.
enum class Token {
  kInitialDigit,
  kDigit,
  kLetter,
  kSuffix,
  kSuffixNumber,
  kCommitHash,
  kRevision,
  kEnd,
  kInvalid,
};

// Pre-release suffixes sort below kNone (no suffix), the others above.
enum class Suffix { kInvalid, kAlpha, kBeta, kPre, kRc, kNone, kCvs, kSvn, kGit, kHg, kP };

Suffix SuffixFor(std::string_view word) {
  static constexpr std::pair<std::string_view, Suffix> kWords[] = {
      {"alpha", Suffix::kAlpha}, {"beta", Suffix::kBeta}, {"pre", Suffix::kPre},
      {"rc", Suffix::kRc},       {"cvs", Suffix::kCvs},   {"svn", Suffix::kSvn},
      {"git", Suffix::kGit},     {"hg", Suffix::kHg},     {"p", Suffix::kP},
  };
  for (const auto& [text, suffix] : kWords) {
    if (word == text) return suffix;
  }
  return Suffix::kInvalid;
}

bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view text) : rest_(text), token_start_(text) {
    TakeDigits(Token::kInitialDigit);
  }

  Token token() const { return token_; }
  std::string_view value() const { return value_; }
  Suffix suffix() const { return suffix_; }
  // What is left after the current token; for kInvalid, from where the
  // invalid token starts.
  std::string_view rest() const { return rest_; }

  void Next() {
    token_start_ = rest_;
    if (rest_.empty()) {
      token_ = Token::kEnd;
      return;
    }
    char c = rest_[0];
    if (IsLower(c)) {
      if (token_ > Token::kDigit) return Invalid();
      token_ = Token::kLetter;
      value_ = rest_.substr(0, 1);
      rest_.remove_prefix(1);
    } else if (c == '.' || IsDigit(c)) {
      if (c == '.' && token_ > Token::kDigit) return Invalid();
      if (c == '.') rest_.remove_prefix(1);
      if (token_ <= Token::kDigit) return TakeDigits(Token::kDigit);
      if (token_ == Token::kSuffix) return TakeDigits(Token::kSuffixNumber);
      return Invalid();
    } else if (c == '_') {
      if (token_ > Token::kSuffixNumber) return Invalid();
      rest_.remove_prefix(1);
      value_ = TakeWhile(IsLower);
      suffix_ = SuffixFor(value_);
      if (suffix_ == Suffix::kInvalid) return Invalid();
      token_ = Token::kSuffix;
    } else if (c == '~') {
      if (token_ >= Token::kCommitHash) return Invalid();
      rest_.remove_prefix(1);
      value_ = TakeWhile(IsHex);
      if (value_.empty()) return Invalid();
      token_ = Token::kCommitHash;
    } else if (c == '-') {
      if (token_ >= Token::kRevision || rest_.substr(0, 2) != "-r") return Invalid();
      rest_.remove_prefix(2);
      TakeDigits(Token::kRevision);
    } else {
      Invalid();
    }
  }

 private:
  void TakeDigits(Token token) {
    token_ = token;
    value_ = TakeWhile(IsDigit);
    if (value_.empty()) Invalid();
  }
  std::string_view TakeWhile(bool (*accept)(char)) {
    size_t n = 0;
    while (n < rest_.size() && accept(rest_[n])) ++n;
    std::string_view taken = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return taken;
  }
  void Invalid() {
    token_ = Token::kInvalid;
    rest_ = token_start_;
  }

  std::string_view rest_;
  std::string_view token_start_;
  Token token_ = Token::kInitialDigit;
  std::string_view value_;
  Suffix suffix_ = Suffix::kNone;
};

// Two tokens of the same type.
int CompareTokens(const Tokenizer& a, const Tokenizer& b) {
  switch (a.token()) {
    case Token::kDigit:
      // apk compares a part with a leading zero as a string (Gentoo's rule
      // for 1.02 vs 1.1), the others by value.
      if (a.value()[0] == '0' || b.value()[0] == '0') return CompareBytes(a.value(), b.value());
      [[fallthrough]];
    case Token::kInitialDigit:
    case Token::kSuffixNumber:
    case Token::kRevision:
      return CompareDigitRuns(a.value(), b.value());
    case Token::kSuffix:
      return version_text::Sign(a.suffix(), b.suffix());
    default:  // letters and commit hashes
      return CompareBytes(a.value(), b.value());
  }
}

}  // namespace

int CompareAlpineVersions(std::string_view a, std::string_view b) {
  Tokenizer ta(version_text::TrimSpace(a));
  Tokenizer tb(version_text::TrimSpace(b));
  while (ta.token() == tb.token() && ta.token() < Token::kEnd) {
    if (int c = CompareTokens(ta, tb); c != 0) return c;
    ta.Next();
    tb.Next();
  }
  if (ta.token() == tb.token()) {
    return ta.token() == Token::kInvalid ? CompareBytes(ta.rest(), tb.rest()) : 0;
  }
  if (ta.token() == Token::kSuffix && ta.suffix() < Suffix::kNone) return -1;
  if (tb.token() == Token::kSuffix && tb.suffix() < Suffix::kNone) return 1;
  return ta.token() > tb.token() ? -1 : 1;
}

}  // namespace sluice::scan
