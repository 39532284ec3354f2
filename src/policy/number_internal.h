// Internal to src/policy: the heap node behind big and decimal Numbers, and
// the GMP bridge that arithmetic and integer builtins (format_int, bits.*)
// use. Other modules include number.h only; this header pulls in gmpxx.
//
// A NumNode is immutable once built and shared by reference counting, so it
// may be read from any thread. Every NumNode is made by MakeBigInt or
// MakeDecimal, which establish the invariants listed on the struct.
#pragma once

#include <gmpxx.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "policy/number.h"

namespace sluice::policy::internal {

// 128-bit unsigned arithmetic (a GCC/Clang builtin type; __extension__
// keeps -Wpedantic quiet).
__extension__ typedef unsigned __int128 Uint128;

// The exact value (neg ? -1 : 1) * mag * 10^exp, plus how it is spelled.
//
// Invariants:
//  - kBigInt nodes: exp == 0, the value does not fit an int64, text is empty
//    (the spelling is mag's digits).
//  - kDecimal nodes: mag has no trailing decimal zeros (and exp == 0 when
//    mag == 0); text is the spelling (never a canonical integer, which is
//    always held as kInt or kBigInt); `neg` is the sign as written, so "-0"
//    keeps it even though -0 == 0.
//  - small is true exactly when the magnitude fits a uint64; it is then
//    small_mag and `mag` is left unset (zero) to spare an allocation: read
//    the magnitude with Magnitude().
//  - has_int64 is true exactly when the value is an integer within int64.
//  - hash is Number::Hash() of the value (equal values, equal hashes).
struct NumNode {
  mutable std::atomic<uint32_t> refs{1};
  bool neg = false;
  bool small = false;
  bool has_int64 = false;
  int64_t int64_value = 0;
  int64_t exp = 0;
  int64_t digits = 0;  // decimal digits of mag; 0 when mag == 0
  uint64_t small_mag = 0;
  size_t hash = 0;
  mpz_class mag;
  std::string text;
};

// The magnitude of a node as a GMP integer (copied from small_mag if small).
mpz_class Magnitude(const NumNode& node);

// How many decimal digits v has (1 for 0).
int DigitCount(uint64_t v);
// Exact decimal digit count of a non-negative m (0 for 0).
int64_t DigitCount(const mpz_class& m);

// Hash of an integer value; Number::Hash() of every number equal to v.
size_t HashInt64(int64_t v);

// Builds a Number from an exact integer: kInt when it fits, else kBigInt.
Number NumberFromMpz(const mpz_class& v);
// Builds a decimal Number; `text` must be a valid spelling of the value
// (the caller parsed it). mag/exp need not be normalised.
Number MakeDecimal(bool neg, mpz_class mag, int64_t exp, std::string text);

// The exact integer value of an integer-valued number (IsInteger()).
mpz_class ToMpz(const Number& n);

// Read access for number.cc, number_ops.cc and binary_float.cc.
class NumberAccess {
 public:
  static const NumNode* node(const Number& n) {
    return n.rep_ == Number::kIntRep ? nullptr : n.node_;
  }
  static Number Adopt(uint8_t rep, NumNode* node) {
    Number n;
    n.rep_ = rep;
    n.node_ = node;
    return n;
  }
  static constexpr uint8_t kInt = Number::kIntRep;
  static constexpr uint8_t kBig = Number::kBigRep;
  static constexpr uint8_t kDec = Number::kDecimalRep;
  static uint8_t rep(const Number& n) { return n.rep_; }
};

}  // namespace sluice::policy::internal
