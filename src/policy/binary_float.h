// Internal to src/policy: the binary floating point OPA computes
// non-integer arithmetic in, so that our results have OPA's digits.
//
// OPA turns number text into a Go big.Float at its default precision (a
// 64-bit mantissa, rounding to nearest even, an exponent that does not
// overflow in practice), computes there, and prints the result with
// big.Float.Text: the shortest digits that read back to the same 64-bit
// value, in %f layout when the value is an integer and %g otherwise
// (v1/topdown/builtins/builtins.go NumberToFloat / FloatToNumber). This file
// does the same with exact GMP integer steps, so it is portable (x86's 80-bit
// long double has the same mantissa but not elsewhere) and every result is
// correctly rounded. Signed zeros follow big.Float (0 / -3 is "-0").
//
// Cost: about a microsecond per operation with its conversion back to text
// (GMP steps and the shortest-digit search), against nanoseconds for the
// int64 path. Policies rarely compute with fractions; if one must, x86's
// long double is a proven-identical fast path (binary_float_test.cc).
//
// Pure functions on values; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "policy/number.h"

namespace sluice::policy::internal {

// (negative ? -1 : 1) * mant * 2^exp; mant is 0 for zero, else has bit 63 set.
struct BinaryFloat {
  bool negative = false;
  uint64_t mant = 0;
  int64_t exp = 0;

  bool IsZero() const { return mant == 0; }
  bool IsInteger() const;
};

// The nearest BinaryFloat to the exact value of n (ties to even).
BinaryFloat ToBinaryFloat(const Number& n);

BinaryFloat FloatAdd(const BinaryFloat& a, const BinaryFloat& b);
BinaryFloat FloatSub(const BinaryFloat& a, const BinaryFloat& b);
BinaryFloat FloatMul(const BinaryFloat& a, const BinaryFloat& b);
// b must not be zero.
BinaryFloat FloatQuo(const BinaryFloat& a, const BinaryFloat& b);

// big.Float.Text('f', -1) for integers, Text('g', -1) otherwise.
std::string FormatFloat(const BinaryFloat& x);

// The Number OPA makes of x (its FloatToNumber): the text of FormatFloat,
// held as an integer when that text is a canonical integer.
Result<Number> FloatToNumber(const BinaryFloat& x);

}  // namespace sluice::policy::internal
