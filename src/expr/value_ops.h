// Operations on expression values with JEXL's loose typing.
//
// Rules (what Harness' JEXL does, in the cases pipelines hit):
//   truthiness   null, false, 0, "" and "false" (any case) are false; all else
//                (including empty arrays/objects) is true.
//   equality     null == null; null differs from everything else. A string
//                against a boolean is converted with the truthiness rule
//                ("yes" == true). A string against a number is compared as
//                numbers when the string is numeric ("10" == 10), else as text.
//                A number against a boolean compares the number's truthiness.
//                Arrays/objects compare structurally.
//   ordering     numbers (or numeric strings against numbers) numerically;
//                two strings lexicographically (so "10" < "9", as in JEXL);
//                anything ordered against null is false (JEXL does not throw);
//                other mixes (booleans, arrays, objects) are errors.
//   arithmetic   + adds two numbers and otherwise concatenates texts; - * / %
//                need numbers or numeric strings. Integers stay integers
//                (7 / 2 == 3, as in JEXL) unless they overflow; dividing by
//                zero is an error.
// Errors come back as plain messages; the evaluator adds the expression text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "expr/ast.h"
#include "expr/expr.h"

namespace sluice::expr {

bool IsTruthy(const Value& v);

// The string's number when it is a complete decimal literal ("-1.5e3").
std::optional<Value> ParseNumber(std::string_view text);

// Short description for messages: `string "abc"`, `number 3`, `null`, `array`.
std::string DescribeValue(const Value& v);

bool LooseEquals(const Value& a, const Value& b);

// <, <=, >, >= (op is one of those).
Result<bool> Compare(Op op, const Value& a, const Value& b);

// +, -, *, /, %.
Result<Value> Arithmetic(Op op, const Value& a, const Value& b);

}  // namespace sluice::expr
