// Number::Parse and Number::FromDouble (number.h): reading number text.
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <system_error>

#include "policy/number.h"
#include "policy/number_format.h"
#include "policy/number_internal.h"

namespace sluice::policy {

namespace {

// Beyond this many decimal places either side of the point we refuse a
// number, like OPA's parser refuses binary exponents beyond +-1e5.
constexpr int64_t kMaxPosition = 30000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status Invalid(std::string_view text) {
  return Status::InvalidArgument("invalid number: \"" + std::string(text) + "\"");
}

Status TooBig() { return Status::InvalidArgument("number too big"); }

}  // namespace

Result<Number> Number::Parse(std::string_view s) {
  size_t i = 0;
  size_t n = s.size();
  bool neg = false;
  if (i < n && s[i] == '-') {
    neg = true;
    ++i;
  }
  size_t int_begin = i;
  if (i < n && s[i] == '0') {
    ++i;
  } else if (i < n && s[i] >= '1' && s[i] <= '9') {
    while (i < n && IsDigit(s[i])) ++i;
  } else {
    return Invalid(s);
  }
  size_t int_end = i;
  size_t frac_begin = i;
  size_t frac_end = i;
  bool has_frac = false;
  if (i < n && s[i] == '.') {
    has_frac = true;
    frac_begin = ++i;
    while (i < n && IsDigit(s[i])) ++i;
    frac_end = i;
    if (frac_end == frac_begin) return Invalid(s);
  }
  bool has_exp = false;
  int64_t exp_value = 0;
  bool exp_huge = false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    has_exp = true;
    ++i;
    bool exp_neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) exp_neg = s[i++] == '-';
    size_t exp_begin = i;
    while (i < n && IsDigit(s[i])) {
      if (exp_value < 1'000'000'000'000LL) {
        exp_value = exp_value * 10 + (s[i] - '0');
      } else {
        exp_huge = true;
      }
      ++i;
    }
    if (i == exp_begin) return Invalid(s);
    if (exp_neg) exp_value = -exp_value;
  }
  if (i != n) return Invalid(s);

  size_t int_digits = int_end - int_begin;
  bool negative_zero = neg && int_digits == 1 && s[int_begin] == '0';
  if (!has_frac && !has_exp && !negative_zero) {
    // A canonical integer spelling: held as an integer, no text kept.
    if (int_digits <= 18) {
      int64_t v = 0;
      for (size_t k = int_begin; k < int_end; ++k) v = v * 10 + (s[k] - '0');
      return FromInt(neg ? -v : v);
    }
    if (static_cast<int64_t>(int_digits) > kMaxPosition) return TooBig();
    mpz_class v(std::string(s.substr(int_begin, int_digits)), 10);
    if (neg) v = -v;
    return internal::NumberFromMpz(v);
  }

  // A decimal: mantissa digits (leading zeros skipped) and exponent.
  std::string digits;
  digits.reserve(int_digits + (frac_end - frac_begin));
  for (size_t k = int_begin; k < int_end; ++k) {
    if (!digits.empty() || s[k] != '0') digits.push_back(s[k]);
  }
  for (size_t k = frac_begin; k < frac_end; ++k) {
    if (!digits.empty() || s[k] != '0') digits.push_back(s[k]);
  }
  int64_t exp = exp_value - static_cast<int64_t>(frac_end - frac_begin);
  mpz_class mag;
  if (!digits.empty()) {
    int64_t position = static_cast<int64_t>(digits.size()) + exp;
    if (exp_huge || position > kMaxPosition || position < -kMaxPosition) {
      return TooBig();
    }
    if (digits.size() <= 19) {
      uint64_t v = 0;
      for (char c : digits) v = v * 10 + static_cast<uint64_t>(c - '0');
      mag = static_cast<unsigned long>(v);
    } else {
      mag.set_str(digits, 10);
    }
  }
  return internal::MakeDecimal(neg, std::move(mag), exp, std::string(s));
}

Result<Number> Number::FromDouble(double v) {
  if (!std::isfinite(v)) {
    return Status::InvalidArgument("NaN and infinite numbers have no Rego spelling");
  }
  // Shortest digits that read back to v, as d.ddde±x.
  char buf[64];
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof(buf), std::fabs(v), std::chars_format::scientific);
  assert(ec == std::errc());
  std::string_view sci(buf, end - buf);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  long exp10 = std::strtol(std::string(sci.substr(e + 1)).c_str(), nullptr, 10);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (digits == "0") digits.clear();
  std::string text = internal::FormatGoDecimal(std::signbit(v), digits, exp10 + 1, 'g');
  return Parse(text);
}

}  // namespace sluice::policy
