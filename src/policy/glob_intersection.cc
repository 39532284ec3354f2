#include "policy/glob_intersection.h"

#include <string>
#include <utility>
#include <vector>

#include "policy/glob.h"
#include "policy/utf8.h"

namespace sluice::policy::internal {
namespace {

struct Token {
  enum class Type { kRune, kDot, kSet };
  Type type = Type::kRune;
  std::vector<std::pair<char32_t, char32_t>> ranges;  // kRune: one range lo == hi
  bool star = false;  // after expansion `x+` is `x x*`
  bool plus = false;
};

std::string Utf8(char32_t r) {
  std::string out;
  AppendUtf8(out, r);
  return out;
}

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view input) : input_(input), runes_(Runes(input)) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (i_ < runes_.size()) {
      char32_t r = 0;
      bool escaped = false;
      if (!Next(r, escaped)) return Error();
      Token t;
      if (!escaped && r == U'.') {
        t.type = Token::Type::kDot;
      } else if (!escaped && r == U'[') {
        if (!Set(t)) return Error();
      } else if (!escaped && r == U']') {
        Fail(i_, "set-close ']' with no preceding '['");
        return Error();
      } else if (!escaped && (r == U'*' || r == U'+')) {
        Fail(i_, "flag '" + Utf8(r) + "' must be preceded by a non-flag");
        return Error();
      } else {
        t.ranges = {{r, r}};
      }
      // An unescaped flag right after the token applies to it.
      if (i_ < runes_.size() && (runes_[i_] == U'*' || runes_[i_] == U'+')) {
        (runes_[i_] == U'*' ? t.star : t.plus) = true;
        ++i_;
      }
      tokens.push_back(std::move(t));
    }
    return tokens;
  }

 private:
  // The next rune, taking `\x` as an escaped x.
  bool Next(char32_t& r, bool& escaped) {
    escaped = runes_[i_] == U'\\';
    if (escaped) {
      if (i_ + 1 >= runes_.size()) return Fail(i_, "input ends with a \\ (escape) character");
      r = runes_[i_ + 1];
      i_ += 2;
    } else {
      r = runes_[i_++];
    }
    return true;
  }

  // After `[`: members and ranges up to `]`.
  bool Set(Token& t) {
    t.type = Token::Type::kSet;
    char32_t prev = 0;
    bool have_prev = false;
    while (i_ < runes_.size()) {
      char32_t r = 0;
      bool escaped = false;
      if (!Next(r, escaped)) return false;
      if (escaped || (r != U'-' && r != U']')) {
        t.ranges.emplace_back(r, r);
        prev = r;
        have_prev = true;
        continue;
      }
      if (r == U']') return true;
      if (!have_prev) return Fail(i_, "range character '-' must be preceded by a Unicode character");
      if (i_ + 1 >= runes_.size()) {
        return Fail(i_, "range character '-' must be followed by a Unicode character");
      }
      if (!Next(r, escaped)) return false;
      if (!escaped && (r == U']' || r == U'-')) {
        return Fail(i_, "range character '-' cannot be followed by a special symbol");
      }
      if (r < prev) {
        return Fail(i_, "range is out of order: '" + Utf8(r) + "' comes before '" + Utf8(prev) +
                            "' in Unicode")
;
      }
      t.ranges.back().second = r;
      have_prev = false;
    }
    return Fail(i_, "found [ without matching ]");
  }

  // Records the first error; always false.
  bool Fail(size_t pos, const std::string& what) {
    if (error_.empty()) {
      error_ = "input:" + std::string(input_) + ", pos:" + std::to_string(pos) + ", " + what +
               ": the input provided is invalid";
    }
    return false;
  }
  Result<std::vector<Token>> Error() const { return Status::InvalidArgument(error_); }

  std::string_view input_;
  std::u32string runes_;
  size_t i_ = 0;
  std::string error_;
};

// `x+` becomes `x x*`, so that every token is either once or starred.
std::vector<Token> Expand(std::vector<Token> in) {
  std::vector<Token> out;
  for (Token& t : in) {
    if (t.plus) {
      t.plus = false;
      out.push_back(t);
      t.star = true;
    }
    out.push_back(std::move(t));
  }
  return out;
}

// Whether some rune matches both tokens.
bool Overlap(const Token& a, const Token& b) {
  if (a.type == Token::Type::kDot) return b.type == Token::Type::kDot || !b.ranges.empty();
  if (b.type == Token::Type::kDot) return !a.ranges.empty();
  for (const auto& [lo1, hi1] : a.ranges) {
    for (const auto& [lo2, hi2] : b.ranges) {
      if (lo1 <= hi2 && lo2 <= hi1) return true;
    }
  }
  return false;
}

}  // namespace

// The product of the two token automata: state (i, j) has matched the
// tokens before i and before j; a starred token may be skipped, and a pair
// of overlapping tokens consumes one rune. The globs intersect when the
// state past both ends is reachable.
Result<bool> GlobsIntersect(std::string_view lhs, std::string_view rhs) {
  Result<std::vector<Token>> a = Tokenizer(lhs).Run();
  if (!a.ok()) return a.status();
  Result<std::vector<Token>> b = Tokenizer(rhs).Run();
  if (!b.ok()) return b.status();
  std::vector<Token> g1 = Expand(std::move(a).value()), g2 = Expand(std::move(b).value());
  size_t n1 = g1.size(), n2 = g2.size();
  std::vector<bool> seen((n1 + 1) * (n2 + 1), false);
  std::vector<std::pair<size_t, size_t>> work = {{0, 0}};
  seen[0] = true;
  auto visit = [&](size_t i, size_t j) {
    if (!seen[i * (n2 + 1) + j]) {
      seen[i * (n2 + 1) + j] = true;
      work.emplace_back(i, j);
    }
  };
  while (!work.empty()) {
    auto [i, j] = work.back();
    work.pop_back();
    if (i == n1 && j == n2) return true;
    if (i < n1 && g1[i].star) visit(i + 1, j);
    if (j < n2 && g2[j].star) visit(i, j + 1);
    if (i < n1 && j < n2 && Overlap(g1[i], g2[j])) {
      visit(g1[i].star ? i : i + 1, g2[j].star ? j : j + 1);
    }
  }
  return false;
}

}  // namespace sluice::policy::internal
