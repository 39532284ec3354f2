#include "policy/number_format.h"

#include <algorithm>
#include <cstdlib>

namespace sluice::policy::internal {

namespace {

// Go's decimal.at: the digit at position i, '0' outside the digits.
char DigitAt(std::string_view digits, long i) {
  return i >= 0 && i < static_cast<long>(digits.size()) ? digits[i] : '0';
}

void AppendF(std::string& out, std::string_view digits, long point) {
  if (point > 0) {
    long m = std::min(static_cast<long>(digits.size()), point);
    out.append(digits.substr(0, m));
    out.append(point - m, '0');
  } else {
    out.push_back('0');
  }
  long fraction = std::max(static_cast<long>(digits.size()) - point, 0L);
  if (fraction > 0) {
    out.push_back('.');
    for (long i = 0; i < fraction; ++i) out.push_back(DigitAt(digits, point + i));
  }
}

void AppendE(std::string& out, std::string_view digits, long point) {
  out.push_back(digits.empty() ? '0' : digits[0]);
  if (digits.size() > 1) {
    out.push_back('.');
    out.append(digits.substr(1));
  }
  out.push_back('e');
  long exp = digits.empty() ? 0 : point - 1;
  out.push_back(exp < 0 ? '-' : '+');
  exp = std::labs(exp);
  if (exp < 10) out.push_back('0');
  out.append(std::to_string(exp));
}

}  // namespace

std::string FormatGoDecimal(bool negative, std::string_view digits, long point, char format) {
  std::string out;
  if (negative) out.push_back('-');
  // Go uses %e for shortest 'g' when the exponent is < -4 or >= 6 (eprec = 6).
  long exp = point - 1;
  if (format == 'g' && !digits.empty() && (exp < -4 || exp >= 6)) {
    AppendE(out, digits, point);
  } else {
    AppendF(out, digits, point);
  }
  return out;
}

}  // namespace sluice::policy::internal
