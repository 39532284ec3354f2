// Evaluator: a syntax tree (ast.h) to a Value, reading references and
// secrets through a Scope.
//
// Errors name the expression: the innermost `<+...>` around the failure as the
// user wrote it, or, outside any `<+`, the failing part of the condition:
//   cannot resolve <+pipeline.variables.nope>: pipeline.variables has no "nope"
//   cannot evaluate <+x.foo()>: string has no method foo()
// Lookup failures keep the Scope's status code (NotFound); the rest are
// InvalidArgument.
//
// Function calls are recognised by their receiver name: secrets.getValue(id)
// goes to Scope::GetSecret. json.*, xml.* and exportedVariables.* are Harness
// functors sluice does not implement; they fail with a message saying so.
// Member access or indexing on null yields null (a skipped step's outputs);
// calling a method on null is an error.
#pragma once

#include <string_view>

#include "common/status.h"
#include "expr/ast.h"
#include "expr/expr.h"

namespace sluice::expr {

// `source` is the text `node` was parsed from (node offsets index into it).
Result<Value> Evaluate(const Node& node, std::string_view source, const Scope& scope);

// True for names whose calls are functions rather than methods on a
// reference (`secrets` in secrets.getValue("id")).
bool IsFunctorName(std::string_view root);

}  // namespace sluice::expr
