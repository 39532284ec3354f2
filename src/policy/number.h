// Number: a Rego number, exact at any size, spelled the way OPA spells it.
//
// What OPA does (v1/ast/term.go, v1/ast/compare.go, v1/topdown/arithmetic.go,
// v1/topdown/builtins/builtins.go): an ast.Number is the JSON number *text*
// (json.Number). Printing and JSON output write that text back unchanged
// ("1.0" stays 1.0, "1e3" stays 1e3, "-0" stays -0, "2e308" stays 2e308).
// NumberCompare orders two numbers by their exact rational values (big.Rat
// of the text), so 1 == 1.0 == 1e0 and 0.1 != 0.1000000000000000055. Integer
// + - * % are exact at any size; anything involving a non-integer goes
// through big.Float with Go's default 64-bit mantissa, and the result is
// printed back to text with the shortest digits that identify that 64-bit
// value (Text('f', -1) when it is an integer, else Text('g', -1)).
//
// What we keep: the same three-way split, so copies and the common cases
// are cheap and every value is exact:
//   - an int64 held inline (no allocation; the fast path of everything),
//   - a GMP integer when an integer does not fit 64 bits,
//   - a decimal (exact mantissa * 10^exp, GMP) with its spelling, for every
//     number not written as a canonical integer ("1.5", "1.0", "1e3", "-0").
// Not a double: a double cannot keep 2e308, nor tell 0.1 from
// 0.10000000000000000001, nor print the text OPA prints. Arithmetic on
// non-integers emulates big.Float's 64-bit mantissa exactly (binary_float.h),
// so 0.1 + 0.2 gives OPA's digits, not a double's.
//
// Equality and ordering are by exact value (1 == 1.0, 2^64 + 1 > 1.8e19),
// never by spelling; Hash() agrees with equality. Numbers are immutable and
// cheap to copy (an int64, or a reference-counted pointer): safe to share
// between threads.
//
// Parse accepts the JSON number grammar, which is also Rego's number literal
// grammar, and refuses numbers whose magnitude is beyond about 1e±30000 with
// "number too big" (OPA's parser refuses binary exponents beyond ±1e5).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::policy {

namespace internal {
struct NumNode;
class NumberAccess;
}  // namespace internal

class Number {
 public:
  // Zero.
  Number() noexcept : rep_(kIntRep), int_(0) {}
  static Number FromInt(int64_t v) noexcept {
    Number n;
    n.int_ = v;
    return n;
  }
  static Number FromUint(uint64_t v);
  // The JSON / Rego number `text`, kept as written. InvalidArgument when it
  // is not a JSON number or is too big.
  static Result<Number> Parse(std::string_view text);
  // A double as OPA makes one (strconv.FormatFloat(v, 'g', -1, 64): the
  // shortest digits, "1e+21", "1e-07", "0.5"). NaN and infinities have no
  // Rego spelling: InvalidArgument.
  static Result<Number> FromDouble(double v);

  Number(const Number& other) noexcept;
  Number(Number&& other) noexcept : rep_(other.rep_), int_(other.int_) {
    other.rep_ = kIntRep;
    other.int_ = 0;
  }
  Number& operator=(const Number& other) noexcept;
  Number& operator=(Number&& other) noexcept;
  ~Number() {
    if (rep_ != kIntRep) Release();
  }

  // True when held as an inline int64 (every integer that fits one is).
  bool is_int64() const { return rep_ == kIntRep; }
  // The inline int64; only when is_int64().
  int64_t int64() const { return int_; }

  // The value is a whole number (1.0 and 1e3 are).
  bool IsInteger() const;
  // The value, when it is a whole number within int64 (1.0 gives 1).
  std::optional<int64_t> ToInt64() const;
  // Go's json.Number.Int64(), which OPA uses in a few places (array
  // indexes, int operands of builtins): only numbers *written* as integers
  // ("1", "-0"; not "1.0" or "1e3") within int64.
  std::optional<int64_t> LiteralInt64() const;
  // The nearest double (ties to even); nullopt when the magnitude is beyond
  // the largest double, as Go's ParseFloat reports. Tiny values give 0.
  std::optional<double> ToDouble() const;
  // -1, 0 or 1 (0 for -0).
  int Sign() const;

  // OPA's text for the number (ast.Number.String()).
  std::string ToString() const;
  void AppendTo(std::string& out) const;

  size_t Hash() const;

  // Exact order of the values: negative, zero or positive.
  friend int Compare(const Number& a, const Number& b);
  friend bool operator==(const Number& a, const Number& b) {
    if (a.rep_ == kIntRep && b.rep_ == kIntRep) return a.int_ == b.int_;
    return Compare(a, b) == 0;
  }
  friend std::weak_ordering operator<=>(const Number& a, const Number& b) {
    int c = Compare(a, b);
    return c < 0 ? std::weak_ordering::less
                 : (c > 0 ? std::weak_ordering::greater : std::weak_ordering::equivalent);
  }

 private:
  friend class internal::NumberAccess;
  friend class Value;  // holds a Number inline and reads rep_ as its tag

  // rep_ doubles as the Value tag of a number (value.h): keep the values
  // and keep rep_ the first member (Value relies on the common initial
  // sequence of its union members).
  static constexpr uint8_t kIntRep = 0;
  static constexpr uint8_t kBigRep = 1;
  static constexpr uint8_t kDecimalRep = 2;

  void Release() noexcept;

  uint8_t rep_;
  union {
    int64_t int_;                    // kIntRep
    const internal::NumNode* node_;  // kBigRep, kDecimalRep
  };
};

}  // namespace sluice::policy
