// Ground Rego terms as values: `input_term` of a conformance case
// (`{"x": {1, 2}}`), and any other place that reads a value written in Rego
// syntax rather than JSON (sets, non-string keys).
//
// Only terms without variables, references, calls, comprehensions or
// template strings convert (ast::IsGround); anything else is an
// InvalidArgument "file:line:col: <kind> is not a value" pointing at the
// offending part. Numbers keep their text (Number::Parse); duplicate set
// elements merge; a key given twice in an object keeps its last value (OPA's
// Object.Insert replaces too). Pure; thread-safe.
#pragma once

#include <string_view>

#include "common/status.h"
#include "policy/ast.h"
#include "policy/value.h"

namespace sluice::policy {

Result<Value> GroundTermToValue(const ast::Term& term);

// Parses `text` as one Rego term (ParseTerm, reported as `file`) and
// converts it.
Result<Value> ParseGroundTerm(std::string_view text, std::string_view file);

}  // namespace sluice::policy
