#include "ml/number_format.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace sluice::ml {
namespace {

std::string NonFinite(double x) {
  if (std::isnan(x)) return "nan";
  return x < 0 ? "-inf" : "inf";
}

// "-1234567.25" -> "-1,234,567.25": commas in the integer digits only.
std::string GroupThousands(std::string_view plain) {
  size_t start = (!plain.empty() && plain[0] == '-') ? 1 : 0;
  size_t point = plain.find('.');
  if (point == std::string_view::npos) point = plain.size();
  std::string out(plain.substr(0, start));
  for (size_t i = start; i < point; ++i) {
    out += plain[i];
    const size_t left = point - i - 1;
    if (left > 0 && left % 3 == 0) out += ',';
  }
  out += plain.substr(point);
  return out;
}

}  // namespace

std::string PythonRepr(double x) {
  if (!std::isfinite(x)) return NonFinite(x);
  // Shortest round-trip digits in scientific form, e.g. "-7.350000000000009e+00".
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  assert(ec == std::errc());
  std::string_view text(buf, static_cast<size_t>(end - buf));
  std::string out;
  if (text.front() == '-') {
    out = "-";
    text.remove_prefix(1);
  }
  const size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits += c;
  }
  const int exponent = std::atoi(std::string(text.substr(e + 1)).c_str());
  // CPython's float_repr_style 'r': value = 0.DIGITS x 10^decpt.
  const int decpt = exponent + 1;
  const int n = static_cast<int>(digits.size());
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0." + std::string(static_cast<size_t>(-decpt), '0') + digits;
    } else if (decpt >= n) {
      out += digits + std::string(static_cast<size_t>(decpt - n), '0') + ".0";
    } else {
      out += digits.substr(0, static_cast<size_t>(decpt)) + "." +
             digits.substr(static_cast<size_t>(decpt));
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (n > 1) out += "." + digits.substr(1);
  const int shown = decpt - 1;
  out += shown < 0 ? "e-" : "e+";
  const int magnitude = std::abs(shown);
  if (magnitude < 10) out += '0';
  out += std::to_string(magnitude);
  return out;
}

std::string FormatExact(double x) {
  std::string s = PythonRepr(x);
  if (s.ends_with(".0")) s.resize(s.size() - 2);
  return s;
}

std::string FormatCount(int64_t n) { return GroupThousands(std::to_string(n)); }

std::string FormatFixed(double x, int decimals) {
  assert(decimals >= 0 && decimals <= 17);
  if (!std::isfinite(x)) return NonFinite(x);
  char buf[400];  // 309 integer digits + sign + point + 17 decimals
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed, decimals);
  assert(ec == std::errc());
  return GroupThousands(std::string_view(buf, static_cast<size_t>(end - buf)));
}

std::string FormatTrimmed(double x, int max_decimals) {
  std::string s = FormatFixed(x, max_decimals);
  if (!std::isfinite(x)) return s;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace sluice::ml
