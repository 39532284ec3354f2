// Internal to src/policy: Go's regexp package (RE2 syntax, leftmost-first)
// on top of Google RE2, for the regex.* builtins.
//
// RE2 does the matching; this layer adds what Go defines on top of it: the
// order and rules of repeated matches (FindAll, ReplaceAll, Split: an empty
// match right after a previous match is skipped), `$1` / `${name}`
// expansion in replacements, and Go's error texts ("error parsing regexp:
// missing closing ]: `[`").
//
// A GoRegexp is immutable after Compile and safe to share between threads;
// Compile caches compiled patterns process-wide.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace re2 {
class RE2;
}

namespace sluice::policy::internal {

class GoRegexp {
 public:
  static Result<std::shared_ptr<const GoRegexp>> Compile(std::string_view pattern);
  // Whether regexp/syntax would parse the pattern.
  static bool IsValid(std::string_view pattern);

  explicit GoRegexp(std::unique_ptr<re2::RE2> re);
  ~GoRegexp();
  GoRegexp(const GoRegexp&) = delete;
  GoRegexp& operator=(const GoRegexp&) = delete;

  bool MatchString(std::string_view s) const;

  // Byte offsets of a match and its groups: [2k] start, [2k+1] end, -1 for a
  // group that took no part.
  using Indices = std::vector<ptrdiff_t>;
  // Up to n matches (all when n < 0), as Go's FindAllStringSubmatchIndex.
  std::vector<Indices> FindAll(std::string_view s, long long n) const;
  // Go's ReplaceAllString: `$1`, `${1}`, `$name`, `$$` in repl.
  std::string ReplaceAll(std::string_view s, std::string_view repl) const;
  // Go's Split(s, -1).
  std::vector<std::string_view> Split(std::string_view s) const;

 private:
  // The leftmost match starting at or after pos (with s as the context for
  // ^ and \b), or an empty vector.
  Indices MatchAt(std::string_view s, size_t pos) const;
  void Expand(std::string& out, std::string_view tmpl, std::string_view s, const Indices& m) const;

  std::unique_ptr<re2::RE2> re_;
};

// Go's regexp.QuoteMeta: a backslash before each of \.+*?()|[]{}^$.
std::string RegexpQuoteMeta(std::string_view s);

}  // namespace sluice::policy::internal
