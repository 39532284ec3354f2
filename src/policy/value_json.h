// JSON in and out of Values, the way OPA converts (v1/ast/term.go
// InterfaceToValue and valueToInterface, Go's encoding/json).
//
// Reading: ParseJson is our own RFC 8259 reader. It keeps every number
// exactly as written (1.0, -0, 1e3, 2e308 and 123456789012345678901234567890
// come back as they were), which nlohmann cannot (it reads numbers into
// int64 / uint64 / double and refuses 2e308): use it for input and data
// documents. Like Go's decoder it turns invalid UTF-8 and lone surrogate
// escapes into U+FFFD, keeps the last value of a key given twice, and
// refuses nesting deeper than 10000. FromJson takes a tree someone already
// parsed with nlohmann; its numbers went through int64, uint64 or double.
// Objects read from JSON have string keys.
//
// Writing is what OPA's results look like once Go encodes them:
//  - sets become arrays, in Rego order;
//  - an object key that is not a string becomes its compact JSON text
//    (json.Encoder, so HTML-escaped): {1: 0} gives {"1":0}, {[1, "a"]: 0}
//    gives {"[1,\"a\"]":0}; keys are then written in Go's order (bytewise),
//    and when two keys collide the later one in Rego order wins;
//  - numbers are written as their text, never through a double;
//  - strings escaped as Go does: \" \\ \b \f \n \r \t, other controls as
//    \u00XX, U+2028 / U+2029 as \u2028 / \u2029, invalid UTF-8 as \ufffd,
//    and, with escape_html (Go's default, which `opa eval` keeps), < > & as
//    \u003c \u003e \u0026.
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "policy/value.h"

namespace sluice::policy {

// InvalidArgument ("invalid JSON at line L, column C: ...") when `text`
// is not exactly one JSON value.
Result<Value> ParseJson(std::string_view text);

// InvalidArgument for binary values and non-finite numbers.
Result<Value> FromJson(const nlohmann::json& json);

struct JsonOptions {
  bool escape_html = true;
  // Empty: compact. Else one level of indentation ("  " is `opa eval`'s
  // json.Encoder.SetIndent("", "  ")); ": " then separates keys and values.
  std::string_view indent;
};

std::string ToJson(const Value& value, const JsonOptions& options = {});
void AppendJson(std::string& out, const Value& value, const JsonOptions& options = {});

// The object key OPA writes for `key`: a string as is, anything else as its
// compact, HTML-escaped JSON text.
std::string JsonKey(const Value& key);

// An nlohmann tree for code that needs one. Lossy where nlohmann is:
// integers beyond uint64 and all non-integers become doubles (spelling and
// digits beyond a double's are lost); prefer ToJson for output.
nlohmann::json ToNlohmannJson(const Value& value);

}  // namespace sluice::policy
