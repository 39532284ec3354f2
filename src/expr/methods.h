// Methods callable on values: `<+x.toUpperCase()>`, `<+list.length()>`.
//
// Strings (numbers and booleans are turned into their text first, so a
// variable typed as a number still has them) get the Java String methods
// Harness users write:
//   contains(s) startsWith(s) endsWith(s) equals(x) equalsIgnoreCase(s)
//   toLowerCase() toUpperCase() trim() length() isEmpty() toString()
//   replace(target, replacement)   every literal occurrence
//   split(regex)                   Java rules: regex separator, trailing
//                                  empty strings dropped
//   substring(begin[, end]) indexOf(s[, from]) concat(s) matches(regex)
// Arrays: length() size() isEmpty() contains(x) get(i) toString().
// Objects: get(key) containsKey(key) size() isEmpty() toString().
// Text is handled as bytes (ASCII case mapping; lengths and indexes count
// bytes), which matches Java for ASCII text. Regexes are ECMAScript
// (std::regex); `matches` and `=~` need a full match, as in Java.
//
// Errors are plain messages ("split() takes 1 argument, got 0"); the
// evaluator adds the expression text.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "expr/expr.h"

namespace sluice::expr {

Result<Value> CallMethod(const Value& receiver, std::string_view name,
                         const std::vector<Value>& args);

// Full-match of `text` against the ECMAScript regex `pattern`; an invalid
// pattern is an InvalidArgument naming it.
Result<bool> RegexFullMatch(const std::string& pattern, const std::string& text);

}  // namespace sluice::expr
