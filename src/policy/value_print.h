// Values in Rego syntax, as OPA prints them (ast.Value.String(), v1/ast/
// term.go): in error messages, print(), sprintf's %v of composites and
// template strings.
//
//   null  true  1.0  "a\"b"  [1, "x"]  {"a": 1, 2: [3]}  {1, 2}  set()  {}
//
// Numbers print as their text; strings are quoted as Go's strconv.Quote
// does; collections print in Rego order with ", " between elements and ": "
// between a key and its value; the empty set is set() because {} is the
// empty object.
//
// Go's Quote escapes every rune that unicode.IsPrint rejects. Without
// Unicode's tables we treat as non-printable: C0 and C1 controls, DEL,
// U+00A0, U+00AD, U+1680, U+2000-U+200F, U+2028-U+202F, U+205F-U+206F,
// U+3000, U+FEFF, U+FFF9-U+FFFB, U+FFFE-U+FFFF, private-use planes and
// areas, and U+E0000-U+E007F. Unassigned code points, which Go would also
// escape, print as themselves. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "policy/value.h"

namespace sluice::policy {

std::string ToRego(const Value& value);
void AppendRego(std::string& out, const Value& value);

// Go's strconv.Quote: "…" with \" \\ \a \b \f \n \r \t \v, \xNN for
// invalid UTF-8 bytes and low controls, \uNNNN / \UNNNNNNNN for other
// non-printable runes.
void AppendQuoted(std::string& out, std::string_view s);

}  // namespace sluice::policy
