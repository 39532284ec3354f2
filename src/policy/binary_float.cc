#include "policy/binary_float.h"

#include <cassert>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/number_format.h"
#include "policy/number_internal.h"

namespace sluice::policy::internal {

namespace {

mpz_class FromU64(uint64_t v) { return mpz_class(static_cast<unsigned long>(v)); }

mpz_class Pow(unsigned long base, int64_t exp) {
  mpz_class r;
  mpz_ui_pow_ui(r.get_mpz_t(), base, static_cast<unsigned long>(exp));
  return r;
}

// Rounds n * 2^e2 (n >= 0; `sticky` says nonzero bits were dropped below n,
// which callers only set when n has at least 65 bits) to 64 bits, ties to even.
BinaryFloat Round(const mpz_class& n, int64_t e2, bool sticky, bool negative) {
  BinaryFloat r;
  r.negative = negative;
  if (sgn(n) == 0) return r;
  auto bits = static_cast<int64_t>(mpz_sizeinbase(n.get_mpz_t(), 2));
  if (bits <= 64) {
    assert(!sticky);
    r.mant = n.get_ui() << (64 - bits);
    r.exp = e2 - (64 - bits);
    return r;
  }
  int64_t shift = bits - 64;
  mpz_class q;
  mpz_tdiv_q_2exp(q.get_mpz_t(), n.get_mpz_t(), static_cast<mp_bitcnt_t>(shift));
  uint64_t mant = q.get_ui();
  bool half = mpz_tstbit(n.get_mpz_t(), static_cast<mp_bitcnt_t>(shift - 1)) != 0;
  bool below_half = sticky || static_cast<int64_t>(mpz_scan1(n.get_mpz_t(), 0)) < shift - 1;
  if (half && (below_half || (mant & 1) != 0)) {
    ++mant;
    if (mant == 0) {  // carried out of 64 bits: 2^64 = 2^63 * 2
      mant = 1ULL << 63;
      ++shift;
    }
  }
  r.mant = mant;
  r.exp = e2 + shift;
  return r;
}

// Go's `decimal`: digits without leading or trailing zeros, value
// 0.<digits> * 10^point.
struct Decimal {
  std::string digits;
  long point = 0;

  char At(long i) const { return i >= 0 && i < static_cast<long>(digits.size()) ? digits[i] : '0'; }
  void Trim() {
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    if (digits.empty()) point = 0;
  }
  void RoundUp(long n) {
    if (n < 0 || n >= static_cast<long>(digits.size())) return;
    long i = n;
    while (i > 0 && digits[i - 1] >= '9') --i;
    if (i == 0) {  // all nines
      digits = "1";
      ++point;
      return;
    }
    ++digits[i - 1];
    digits.resize(i);
  }
  void RoundDown(long n) {
    if (n < 0 || n >= static_cast<long>(digits.size())) return;
    digits.resize(n);
    Trim();
  }
  void RoundNearest(long n) {
    if (n < 0 || n >= static_cast<long>(digits.size())) return;
    bool up;
    if (digits[n] == '5' && n + 1 == static_cast<long>(digits.size())) {
      up = n > 0 && ((digits[n - 1] - '0') & 1) != 0;  // exactly half: to even
    } else {
      up = digits[n] >= '5';
    }
    if (up) {
      RoundUp(n);
    } else {
      RoundDown(n);
    }
  }
};

// The decimal digits of v > 0. GMP's get_str is slow for the 20-100 digit
// numbers met here; peeling off 19 digits at a time is several times faster.
std::string DigitsOf(const mpz_class& v) {
  constexpr unsigned long kChunk = 10000000000000000000UL;  // 10^19
  std::vector<unsigned long> chunks;
  mpz_class q = v;
  while (mpz_cmp_ui(q.get_mpz_t(), kChunk) >= 0) {
    chunks.push_back(mpz_tdiv_q_ui(q.get_mpz_t(), q.get_mpz_t(), kChunk));
  }
  std::string out = std::to_string(q.get_ui());
  for (auto it = chunks.rbegin(); it != chunks.rend(); ++it) {
    std::string part = std::to_string(*it);
    out.append(19 - part.size(), '0');
    out.append(part);
  }
  return out;
}

// The exact decimal of m * 2^e2 (m > 0); pow5 is 5^-e2 when e2 < 0.
Decimal ToDecimal(const mpz_class& m, int64_t e2, const mpz_class& pow5) {
  Decimal d;
  if (e2 >= 0) {
    mpz_class v = m << static_cast<mp_bitcnt_t>(e2);
    d.digits = DigitsOf(v);
    d.point = static_cast<long>(d.digits.size());
  } else {
    mpz_class v = m * pow5;  // m * 2^e2 == m * 5^-e2 / 10^-e2
    d.digits = DigitsOf(v);
    d.point = static_cast<long>(d.digits.size()) + static_cast<long>(e2);
  }
  d.Trim();
  return d;
}

// Go's roundShortest (math/big/ftoa.go): the fewest digits that still lie
// within half an ulp of x, so they read back to x at 64-bit precision.
Decimal Shortest(const BinaryFloat& x) {
  // Shift one more bit in so that the lowest bit is half an ulp.
  mpz_class m = FromU64(x.mant) << 1;
  int64_t e2 = x.exp - 1;
  mpz_class pow5;
  if (e2 < 0) pow5 = Pow(5, -e2);
  Decimal d = ToDecimal(m, e2, pow5);
  Decimal lower = ToDecimal(m - 1, e2, pow5);
  Decimal upper = ToDecimal(m + 1, e2, pow5);
  // The bounds round back to x only when its mantissa is even.
  bool inclusive = (x.mant & 1) == 0;
  for (long i = 0; i < static_cast<long>(d.digits.size()); ++i) {
    char c = d.digits[i];
    char l = lower.At(i);
    char u = upper.At(i);
    bool ok_down = l != c || (inclusive && i + 1 == static_cast<long>(lower.digits.size()));
    bool ok_up =
        c != u && (inclusive || c + 1 < u || i + 1 < static_cast<long>(upper.digits.size()));
    if (ok_down && ok_up) {
      d.RoundNearest(i + 1);
      break;
    }
    if (ok_down) {
      d.RoundDown(i + 1);
      break;
    }
    if (ok_up) {
      d.RoundUp(i + 1);
      break;
    }
  }
  return d;
}

}  // namespace

bool BinaryFloat::IsInteger() const {
  if (mant == 0 || exp >= 0) return true;
  if (exp <= -64) return false;
  return (mant & ((1ULL << -exp) - 1)) == 0;
}

BinaryFloat ToBinaryFloat(const Number& n) {
  const NumNode* node = NumberAccess::node(n);
  if (node == nullptr) {
    int64_t v = n.int64();
    BinaryFloat r;
    r.negative = v < 0;
    uint64_t mag = r.negative ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    if (mag == 0) return r;
    int lz = __builtin_clzll(mag);
    r.mant = mag << lz;
    r.exp = -lz;
    return r;
  }
  mpz_class mag = Magnitude(*node);
  if (sgn(mag) == 0) {
    BinaryFloat zero;
    zero.negative = node->neg;  // "-0" is a negative zero, as in big.Float
    return zero;
  }
  if (node->exp >= 0) {
    if (node->exp > 0) mag *= Pow(10, node->exp);
    return Round(mag, 0, false, node->neg);
  }
  // mag / 10^k: divide with enough quotient bits that rounding sees the
  // round bit, and keep whether the division was exact as the sticky bit.
  mpz_class den = Pow(10, -node->exp);
  auto den_bits = static_cast<int64_t>(mpz_sizeinbase(den.get_mpz_t(), 2));
  auto mag_bits = static_cast<int64_t>(mpz_sizeinbase(mag.get_mpz_t(), 2));
  int64_t k = std::max<int64_t>(0, 66 + den_bits - mag_bits);
  mpz_class num = mag << static_cast<mp_bitcnt_t>(k);
  mpz_class q;
  mpz_class r;
  mpz_tdiv_qr(q.get_mpz_t(), r.get_mpz_t(), num.get_mpz_t(), den.get_mpz_t());
  return Round(q, -k, sgn(r) != 0, node->neg);
}

BinaryFloat FloatAdd(const BinaryFloat& a, const BinaryFloat& b) {
  if (a.IsZero() && b.IsZero()) {
    BinaryFloat z;
    z.negative = a.negative && b.negative;  // -0 + -0 = -0, else +0
    return z;
  }
  if (a.IsZero()) return b;
  if (b.IsZero()) return a;
  // An addend more than 130 bits below the other's lowest bit moves the
  // exact sum by less than a quarter ulp without landing on it: the sum
  // rounds to the larger addend.
  if (a.exp - b.exp > 130) return a;
  if (b.exp - a.exp > 130) return b;
  int64_t e = std::min(a.exp, b.exp);
  mpz_class x = FromU64(a.mant) << static_cast<mp_bitcnt_t>(a.exp - e);
  mpz_class y = FromU64(b.mant) << static_cast<mp_bitcnt_t>(b.exp - e);
  if (a.negative) x = -x;
  if (b.negative) y = -y;
  mpz_class sum = x + y;
  if (sgn(sum) == 0) return BinaryFloat{};  // x + -x = +0
  bool negative = sgn(sum) < 0;
  return Round(abs(sum), e, false, negative);
}

BinaryFloat FloatSub(const BinaryFloat& a, const BinaryFloat& b) {
  BinaryFloat minus_b = b;
  minus_b.negative = !b.negative;
  return FloatAdd(a, minus_b);
}

BinaryFloat FloatMul(const BinaryFloat& a, const BinaryFloat& b) {
  bool negative = a.negative != b.negative;
  if (a.IsZero() || b.IsZero()) {
    BinaryFloat z;
    z.negative = negative;
    return z;
  }
  mpz_class p = FromU64(a.mant) * FromU64(b.mant);
  return Round(p, a.exp + b.exp, false, negative);
}

BinaryFloat FloatQuo(const BinaryFloat& a, const BinaryFloat& b) {
  assert(!b.IsZero());
  bool negative = a.negative != b.negative;
  if (a.IsZero()) {
    BinaryFloat z;
    z.negative = negative;
    return z;
  }
  // a.mant >= 2^63 and b.mant < 2^64, so the quotient has at least 66 bits.
  constexpr int64_t kExtra = 67;
  mpz_class num = FromU64(a.mant) << kExtra;
  mpz_class q;
  mpz_class r;
  mpz_class den = FromU64(b.mant);
  mpz_tdiv_qr(q.get_mpz_t(), r.get_mpz_t(), num.get_mpz_t(), den.get_mpz_t());
  return Round(q, a.exp - b.exp - kExtra, sgn(r) != 0, negative);
}

std::string FormatFloat(const BinaryFloat& x) {
  if (x.IsZero()) return x.negative ? "-0" : "0";
  Decimal d = Shortest(x);
  return FormatGoDecimal(x.negative, d.digits, d.point, x.IsInteger() ? 'f' : 'g');
}

Result<Number> FloatToNumber(const BinaryFloat& x) { return Number::Parse(FormatFloat(x)); }

}  // namespace sluice::policy::internal
