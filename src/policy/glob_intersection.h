// Internal to src/policy: whether two "globs" in the syntax of
// yashtewari/glob-intersection (OPA's regex.globs_match) share a string.
//
// Syntax: `.` any rune, `[...]` a rune from a set (`a-z` ranges, no
// negation), any other rune itself, `\x` the rune x; `*` or `+` after a
// token repeats it zero / one or more times. A flag with nothing (or a flag)
// before it, a stray `]`, an unclosed `[` and a trailing `\` are errors.
#pragma once

#include <string_view>

#include "common/status.h"

namespace sluice::policy::internal {

// Errors read "input:<glob>, pos:<rune index>, <what>: the input provided
// is invalid".
Result<bool> GlobsIntersect(std::string_view lhs, std::string_view rhs);

}  // namespace sluice::policy::internal
