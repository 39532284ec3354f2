#include "policy/number_ops.h"

#include <limits>

#include "policy/binary_float.h"
#include "policy/number_internal.h"

namespace sluice::policy {

namespace {

using internal::BinaryFloat;
using internal::ToBinaryFloat;
using internal::ToMpz;

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
// Integer results with more digits than this are refused, like Parse does.
constexpr size_t kMaxDigits = 30000;

Result<Number> Exact(const mpz_class& v) {
  if (mpz_sizeinbase(v.get_mpz_t(), 10) > kMaxDigits) {
    return Status::InvalidArgument("number too big");
  }
  return internal::NumberFromMpz(v);
}

using FloatOp = BinaryFloat (*)(const BinaryFloat&, const BinaryFloat&);

Result<Number> ViaFloat(const Number& a, const Number& b, FloatOp op) {
  return internal::FloatToNumber(op(ToBinaryFloat(a), ToBinaryFloat(b)));
}

bool BothIntegers(const Number& a, const Number& b) { return a.IsInteger() && b.IsInteger(); }

// Splits a non-integer decimal a into its truncated integer part q and
// whether the dropped fraction is below, at or above one half (-1, 0, 1).
void SplitFraction(const Number& a, mpz_class* q, int* half) {
  const internal::NumNode* node = internal::NumberAccess::node(a);
  mpz_class mag = internal::Magnitude(*node);
  mpz_class den;
  mpz_ui_pow_ui(den.get_mpz_t(), 10, static_cast<unsigned long>(-node->exp));
  mpz_class r;
  mpz_tdiv_qr(q->get_mpz_t(), r.get_mpz_t(), mag.get_mpz_t(), den.get_mpz_t());
  int c = cmp(mpz_class(r * 2), den);
  *half = c < 0 ? -1 : (c > 0 ? 1 : 0);
}

enum class Direction { kFloor, kCeil, kRound };

Result<Number> ToInteger(const Number& a, Direction direction) {
  if (a.is_int64()) return a;
  if (a.IsInteger()) return internal::NumberFromMpz(ToMpz(a));
  mpz_class q;
  int half = 0;
  SplitFraction(a, &q, &half);
  bool negative = a.Sign() < 0;
  bool away = false;  // move the magnitude up by one
  switch (direction) {
    case Direction::kFloor:
      away = negative;
      break;
    case Direction::kCeil:
      away = !negative;
      break;
    case Direction::kRound:
      away = half >= 0;
      break;
  }
  if (away) q += 1;
  if (negative) q = -q;
  return Exact(q);
}

}  // namespace

Result<Number> Add(const Number& a, const Number& b) {
  if (a.is_int64() && b.is_int64()) {
    int64_t r;
    if (!__builtin_add_overflow(a.int64(), b.int64(), &r)) return Number::FromInt(r);
  }
  if (BothIntegers(a, b)) return Exact(ToMpz(a) + ToMpz(b));
  return ViaFloat(a, b, internal::FloatAdd);
}

Result<Number> Subtract(const Number& a, const Number& b) {
  if (a.is_int64() && b.is_int64()) {
    int64_t r;
    if (!__builtin_sub_overflow(a.int64(), b.int64(), &r)) return Number::FromInt(r);
  }
  if (BothIntegers(a, b)) return Exact(ToMpz(a) - ToMpz(b));
  return ViaFloat(a, b, internal::FloatSub);
}

Result<Number> Multiply(const Number& a, const Number& b) {
  if (a.is_int64() && b.is_int64()) {
    int64_t r;
    if (!__builtin_mul_overflow(a.int64(), b.int64(), &r)) return Number::FromInt(r);
  }
  if (BothIntegers(a, b)) return Exact(ToMpz(a) * ToMpz(b));
  return ViaFloat(a, b, internal::FloatMul);
}

Result<Number> Divide(const Number& a, const Number& b) {
  if (b.Sign() == 0) return Status::InvalidArgument("divide by zero");
  // A zero dividend goes through the float too: its quotient may be -0.
  if (BothIntegers(a, b) && a.Sign() != 0) {
    if (a.is_int64() && b.is_int64() && !(a.int64() == kMin && b.int64() == -1)) {
      if (a.int64() % b.int64() == 0) return Number::FromInt(a.int64() / b.int64());
    } else {
      mpz_class x = ToMpz(a);
      mpz_class y = ToMpz(b);
      if (mpz_divisible_p(x.get_mpz_t(), y.get_mpz_t())) {
        mpz_class q;
        mpz_divexact(q.get_mpz_t(), x.get_mpz_t(), y.get_mpz_t());
        return Exact(q);
      }
    }
  }
  return ViaFloat(a, b, internal::FloatQuo);
}

Result<Number> Remainder(const Number& a, const Number& b) {
  if (a.is_int64() && b.is_int64()) {
    if (b.int64() == 0) return Status::InvalidArgument("modulo by zero");
    if (b.int64() == -1) return Number::FromInt(0);  // kMin % -1 overflows in C++
    return Number::FromInt(a.int64() % b.int64());
  }
  if (!BothIntegers(a, b)) return Status::InvalidArgument("modulo on floating-point number");
  if (b.Sign() == 0) return Status::InvalidArgument("modulo by zero");
  mpz_class x = ToMpz(a);
  mpz_class y = ToMpz(b);
  mpz_class r;
  mpz_tdiv_r(r.get_mpz_t(), x.get_mpz_t(), y.get_mpz_t());
  return internal::NumberFromMpz(r);
}

Number Negate(const Number& a) {
  if (a.is_int64() && a.int64() != kMin) return Number::FromInt(-a.int64());
  if (a.IsInteger() && internal::NumberAccess::rep(a) != internal::NumberAccess::kDec) {
    return internal::NumberFromMpz(-ToMpz(a));
  }
  // A decimal keeps its digits; only the sign of the text changes. Parse
  // also turns "-0" negated ("0") back into the integer zero.
  std::string text = a.ToString();
  if (text[0] == '-') {
    text.erase(0, 1);
  } else {
    text.insert(0, 1, '-');
  }
  return Number::Parse(text).value();
}

Result<Number> Abs(const Number& a) {
  if (a.is_int64() && a.int64() != kMin) {
    return Number::FromInt(a.int64() < 0 ? -a.int64() : a.int64());
  }
  if (a.IsInteger()) return internal::NumberFromMpz(abs(ToMpz(a)));
  BinaryFloat f = ToBinaryFloat(a);
  f.negative = false;
  return internal::FloatToNumber(f);
}

Result<Number> Floor(const Number& a) { return ToInteger(a, Direction::kFloor); }
Result<Number> Ceil(const Number& a) { return ToInteger(a, Direction::kCeil); }
Result<Number> Round(const Number& a) { return ToInteger(a, Direction::kRound); }

}  // namespace sluice::policy
