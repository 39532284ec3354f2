// Arithmetic on Numbers with OPA's rules (v1/topdown/arithmetic.go), for the
// evaluator's + - * / % and the numeric builtins.
//
//  - Integers (by value: 2.0 counts) stay exact at any size: + - * and %
//    never round, and / is exact when the divisor divides the dividend.
//  - Anything else is computed in OPA's 64-bit-mantissa binary float and
//    spelled as OPA spells it (binary_float.h): 1 / 3 is
//    0.33333333333333333334 (20 digits, not a double's 16), 0.1 + 0.2 is
//    0.3, 7 / 2 is 3.5, 0 / -3 is -0.
//  - Errors carry OPA's messages, for eval_builtin_error:
//      "divide by zero"                  x / 0 (also 0.0, 0e5)
//      "modulo by zero"                  x % 0
//      "modulo on floating-point number" % with a non-integer operand
//      "number too big"                  a result beyond about 1e±30000
//
// Known difference from OPA, on purpose: OPA divides integers that need
// more than 64 bits in its float (so (2^65 + 2) / 2 loses the + 1); we stay
// exact. Floor / Ceil / Round are exact on the decimal value, where OPA
// first rounds to its float; and OPA's ceil(-0.5) is 1 and floor(-0.5) is 0
// (its Int() truncates towards zero before the sign test), where ours are
// -0 → 0 and -1.
//
// Pure functions; thread-safe. The int64 cases never allocate.
#pragma once

#include "common/status.h"
#include "policy/number.h"

namespace sluice::policy {

Result<Number> Add(const Number& a, const Number& b);
Result<Number> Subtract(const Number& a, const Number& b);
Result<Number> Multiply(const Number& a, const Number& b);
Result<Number> Divide(const Number& a, const Number& b);
// Truncated remainder (sign of the dividend), as Go's % and big.Int.Rem.
Result<Number> Remainder(const Number& a, const Number& b);

// Unary minus; keeps a decimal's spelling ("-1.50" for 1.50).
Number Negate(const Number& a);
// abs(): integers exact, others through OPA's float (abs(-1.50) is 1.5).
Result<Number> Abs(const Number& a);
// The integer below / above / nearest (halves away from zero), exact.
Result<Number> Floor(const Number& a);
Result<Number> Ceil(const Number& a);
Result<Number> Round(const Number& a);

}  // namespace sluice::policy
