#include "policy/number.h"

#include <cassert>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <system_error>

#include "policy/number_format.h"
#include "policy/number_internal.h"

namespace sluice::policy {

static_assert(sizeof(long) == 8, "GMP's si/ui functions must take 64-bit values");

namespace internal {

namespace {

constexpr uint64_t kPow10[] = {1ULL,
                               10ULL,
                               100ULL,
                               1000ULL,
                               10000ULL,
                               100000ULL,
                               1000000ULL,
                               10000000ULL,
                               100000000ULL,
                               1000000000ULL,
                               10000000000ULL,
                               100000000000ULL,
                               1000000000000ULL,
                               10000000000000ULL,
                               100000000000000ULL,
                               1000000000000000ULL,
                               10000000000000000ULL,
                               100000000000000000ULL,
                               1000000000000000000ULL,
                               10000000000000000000ULL};

size_t Mix(uint64_t x) {
  // splitmix64's finaliser: every input bit affects every output bit.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<size_t>(x);
}

bool FitsU64(const mpz_class& m) { return mpz_fits_ulong_p(m.get_mpz_t()) != 0; }

// Hash of a value that is not an int64 integer, from its canonical form:
// sign, magnitude without trailing zeros, exponent.
size_t HashCanonical(bool negative, const mpz_class& stripped, int64_t exp) {
  size_t h = Mix(static_cast<uint64_t>(exp) ^ (negative ? 0x9e3779b97f4a7c15ULL : 0));
  size_t limbs = mpz_size(stripped.get_mpz_t());
  for (size_t i = 0; i < limbs; ++i) {
    h = Mix(h ^ mpz_getlimbn(stripped.get_mpz_t(), i));
  }
  return h;
}

// Removes trailing decimal zeros from m (> 0), adding them to *exp.
void StripZeros(mpz_class& m, int64_t* exp) {
  if (FitsU64(m)) {
    uint64_t v = m.get_ui();
    int64_t k = 0;
    while (v % 10 == 0) {
      v /= 10;
      ++k;
    }
    if (k > 0) {
      m = v;
      *exp += k;
    }
    return;
  }
  while (mpz_divisible_ui_p(m.get_mpz_t(), 10)) {
    mpz_divexact_ui(m.get_mpz_t(), m.get_mpz_t(), 10);
    ++*exp;
  }
}

void Unref(const NumNode* node) {
  if (node->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete node;
}

// An exact value seen as sign, magnitude and exponent, for comparison.
struct DecView {
  bool negative = false;
  bool zero = true;
  bool small = true;
  uint64_t small_mag = 0;
  const NumNode* node = nullptr;  // magnitude source when !small
  int64_t exp = 0;
  int64_t digits = 0;
};

DecView ViewOf(const Number& n) {
  DecView v;
  if (const NumNode* node = NumberAccess::node(n)) {
    v.small = node->small;
    v.small_mag = node->small_mag;
    v.node = node;
    v.negative = node->neg;
    v.zero = node->small && node->small_mag == 0;
    v.exp = node->exp;
    v.digits = node->digits;
    return v;
  }
  int64_t i = n.int64();
  v.negative = i < 0;
  v.zero = i == 0;
  v.small_mag = v.negative ? 0 - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
  v.digits = v.zero ? 0 : DigitCount(v.small_mag);
  return v;
}

mpz_class MagnitudeOf(const DecView& v) {
  if (v.small) return mpz_class(static_cast<unsigned long>(v.small_mag));
  return v.node->mag;
}

int CompareMagnitude(const DecView& a, const DecView& b) {
  int64_t pa = a.digits + a.exp;
  int64_t pb = b.digits + b.exp;
  if (pa != pb) return pa < pb ? -1 : 1;
  // Same leading position: scale the one with the larger exponent down to
  // the other's exponent; both then have the same number of digits.
  if (a.small && b.small) {
    Uint128 x = a.small_mag;
    Uint128 y = b.small_mag;
    if (a.exp > b.exp) x *= kPow10[a.exp - b.exp];
    if (b.exp > a.exp) y *= kPow10[b.exp - a.exp];
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  mpz_class x = MagnitudeOf(a);
  mpz_class y = MagnitudeOf(b);
  mpz_class scale;
  if (a.exp > b.exp) {
    mpz_ui_pow_ui(scale.get_mpz_t(), 10, static_cast<unsigned long>(a.exp - b.exp));
    x *= scale;
  } else if (b.exp > a.exp) {
    mpz_ui_pow_ui(scale.get_mpz_t(), 10, static_cast<unsigned long>(b.exp - a.exp));
    y *= scale;
  }
  int c = cmp(x, y);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

int DigitCount(uint64_t v) {
  int n = 1;
  while (n < 20 && v >= kPow10[n]) ++n;
  return n;
}

int64_t DigitCount(const mpz_class& m) {
  if (sgn(m) == 0) return 0;
  if (FitsU64(m)) return DigitCount(m.get_ui());
  // sizeinbase is exact or one too many.
  auto n = static_cast<int64_t>(mpz_sizeinbase(m.get_mpz_t(), 10));
  mpz_class low;
  mpz_ui_pow_ui(low.get_mpz_t(), 10, static_cast<unsigned long>(n - 1));
  if (mpz_cmpabs(m.get_mpz_t(), low.get_mpz_t()) < 0) --n;
  return n;
}

size_t HashInt64(int64_t v) { return Mix(static_cast<uint64_t>(v)); }

mpz_class Magnitude(const NumNode& node) {
  if (node.small) return mpz_class(static_cast<unsigned long>(node.small_mag));
  return node.mag;
}

Number NumberFromMpz(const mpz_class& v) {
  if (mpz_fits_slong_p(v.get_mpz_t())) return Number::FromInt(v.get_si());
  auto* node = new NumNode;
  node->neg = sgn(v) < 0;
  mpz_class mag = abs(v);
  node->digits = DigitCount(mag);
  node->small = FitsU64(mag);
  if (node->small) {
    node->small_mag = mag.get_ui();
  } else {
    node->mag = mag;
  }
  int64_t exp = 0;
  StripZeros(mag, &exp);
  node->hash = HashCanonical(node->neg, mag, exp);
  return NumberAccess::Adopt(NumberAccess::kBig, node);
}

Number MakeDecimal(bool neg, mpz_class mag, int64_t exp, std::string text) {
  auto* node = new NumNode;
  node->neg = neg;
  node->text = std::move(text);
  if (sgn(mag) == 0) {
    exp = 0;
  } else {
    StripZeros(mag, &exp);
  }
  node->exp = exp;
  node->digits = DigitCount(mag);
  node->small = FitsU64(mag);
  if (node->small) node->small_mag = mag.get_ui();
  if (node->small && exp >= 0 && node->digits + exp <= 19) {
    Uint128 v = static_cast<Uint128>(node->small_mag) * kPow10[exp];
    Uint128 limit = static_cast<Uint128>(std::numeric_limits<int64_t>::max()) + (neg ? 1 : 0);
    if (v <= limit) {
      node->has_int64 = true;
      node->int64_value =
          neg ? static_cast<int64_t>(0 - static_cast<uint64_t>(v)) : static_cast<int64_t>(v);
    }
  }
  if (node->has_int64) {
    node->hash = HashInt64(node->int64_value);
  } else {
    node->hash = HashCanonical(neg && sgn(mag) != 0, mag, exp);
  }
  if (!node->small) node->mag = std::move(mag);
  return NumberAccess::Adopt(NumberAccess::kDec, node);
}

mpz_class ToMpz(const Number& n) {
  assert(n.IsInteger());
  const NumNode* node = NumberAccess::node(n);
  if (node == nullptr) return mpz_class(static_cast<long>(n.int64()));
  mpz_class v = Magnitude(*node);
  if (node->exp > 0) {
    mpz_class scale;
    mpz_ui_pow_ui(scale.get_mpz_t(), 10, static_cast<unsigned long>(node->exp));
    v *= scale;
  }
  if (node->neg) v = -v;
  return v;
}

}  // namespace internal

Number::Number(const Number& other) noexcept : rep_(other.rep_), int_(other.int_) {
  if (rep_ != kIntRep) node_->refs.fetch_add(1, std::memory_order_relaxed);
}

Number& Number::operator=(const Number& other) noexcept {
  if (other.rep_ != kIntRep) other.node_->refs.fetch_add(1, std::memory_order_relaxed);
  if (rep_ != kIntRep) Release();
  rep_ = other.rep_;
  int_ = other.int_;
  return *this;
}

Number& Number::operator=(Number&& other) noexcept {
  if (this != &other) {
    if (rep_ != kIntRep) Release();
    rep_ = other.rep_;
    int_ = other.int_;
    other.rep_ = kIntRep;
    other.int_ = 0;
  }
  return *this;
}

void Number::Release() noexcept { internal::Unref(node_); }

Number Number::FromUint(uint64_t v) {
  if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return FromInt(static_cast<int64_t>(v));
  }
  return internal::NumberFromMpz(mpz_class(static_cast<unsigned long>(v)));
}

bool Number::IsInteger() const {
  if (rep_ != kDecimalRep) return true;
  return node_->exp >= 0 || (node_->small && node_->small_mag == 0);
}

std::optional<int64_t> Number::ToInt64() const {
  if (rep_ == kIntRep) return int_;
  if (node_->has_int64) return node_->int64_value;
  return std::nullopt;
}

std::optional<int64_t> Number::LiteralInt64() const {
  if (rep_ == kIntRep) return int_;
  if (rep_ == kBigRep || !node_->has_int64) return std::nullopt;
  if (node_->text.find_first_of(".eE") != std::string::npos) return std::nullopt;
  return node_->int64_value;
}

std::optional<double> Number::ToDouble() const {
  if (rep_ == kIntRep) return static_cast<double>(int_);
  // strtod rounds correctly; big integers and decimals go through text.
  std::string text = ToString();
  double d = std::strtod(text.c_str(), nullptr);
  if (std::isinf(d)) return std::nullopt;
  return d;
}

int Number::Sign() const {
  if (rep_ == kIntRep) return (int_ > 0) - (int_ < 0);
  if (node_->small && node_->small_mag == 0) return 0;
  return node_->neg ? -1 : 1;
}

std::string Number::ToString() const {
  std::string out;
  AppendTo(out);
  return out;
}

void Number::AppendTo(std::string& out) const {
  if (rep_ == kIntRep) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), int_);
    out.append(buf, end);
    return;
  }
  if (rep_ == kDecimalRep) {
    out.append(node_->text);
    return;
  }
  if (node_->neg) out.push_back('-');
  if (node_->small) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), node_->small_mag);
    out.append(buf, end);
  } else {
    out.append(node_->mag.get_str(10));
  }
}

size_t Number::Hash() const {
  if (rep_ == kIntRep) return internal::HashInt64(int_);
  return node_->hash;
}

int Compare(const Number& a, const Number& b) {
  if (a.rep_ == Number::kIntRep && b.rep_ == Number::kIntRep) {
    return (a.int_ > b.int_) - (a.int_ < b.int_);
  }
  std::optional<int64_t> x = a.ToInt64();
  std::optional<int64_t> y = b.ToInt64();
  if (x && y) return (*x > *y) - (*x < *y);
  internal::DecView va = internal::ViewOf(a);
  internal::DecView vb = internal::ViewOf(b);
  int sa = va.zero ? 0 : (va.negative ? -1 : 1);
  int sb = vb.zero ? 0 : (vb.negative ? -1 : 1);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int c = internal::CompareMagnitude(va, vb);
  return sa < 0 ? -c : c;
}

}  // namespace sluice::policy
