// Internal to src/policy: glob patterns as OPA's glob.match reads them (the
// gobwas/glob syntax), and the rune helpers the text builtins share.
//
// Syntax: `*` any run of non-separator runes, `**` any run at all, `?` one
// non-separator rune, `[abc]` / `[!abc]` a rune (not) in a list, `[a-z]` /
// `[!a-z]` a rune (not) in one range, `{p,q}` any of the alternatives (which
// may nest), `\x` the rune x itself. Lists and ranges may match separators.
// `,` and `}` outside braces are ordinary text.
//
// A Glob is compiled to an RE2 expression (matching in linear time, with no
// backtracking blow-up); it is immutable and may be shared between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace re2 {
class RE2;
}

namespace sluice::policy::internal {

// The runes of s; a byte that does not start valid UTF-8 becomes U+FFFD,
// as in Go's []rune(s).
std::u32string Runes(std::string_view s);

class Glob {
 public:
  // Fails with a gobwas-style message on an unclosed `[` or `{`, or a range
  // with more than one pair.
  static Result<Glob> Compile(std::string_view pattern, std::u32string_view separators);

  bool Match(std::string_view subject) const;

 private:
  std::shared_ptr<const re2::RE2> re_;
};

// gobwas's QuoteMeta: a backslash before each of * ? \ [ ] { }.
std::string GlobQuoteMeta(std::string_view s);

}  // namespace sluice::policy::internal
