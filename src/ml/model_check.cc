#include "ml/model_check.h"

#include <cmath>
#include <cstdio>

#include "ml/number_format.h"

namespace sluice::ml {
namespace {

std::string WithUnit(const std::string& number, const std::string& unit) {
  return unit.empty() ? number : number + " " + unit;
}

}  // namespace

bool ModelCheck::Passed() const {
  if (std::isnan(value)) return false;
  return bound == Bound::kAtLeast ? value >= limit : value <= limit;
}

double ModelCheck::Shortfall() const {
  if (Passed()) return 0;
  return bound == Bound::kAtLeast ? limit - value : value - limit;
}

std::string ModelCheck::ValueText() const {
  std::string shown = FormatTrimmed(value, decimals);
  // A failing 0.8999999 must not read "0.9 is below the minimum 0.9".
  if (!Passed() && shown == FormatTrimmed(limit, decimals)) shown = PythonRepr(value);
  return WithUnit(shown, unit);
}

std::string ModelCheck::LimitText() const { return WithUnit(FormatExact(limit), unit); }

std::string ModelCheck::ShortfallText() const {
  const double s = Shortfall();
  std::string shown = FormatTrimmed(s, decimals);
  if (shown == "0" && s > 0) {
    // Too small for the display precision: two significant digits ("1e-07").
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2g", s);
    shown = buf;
  }
  return WithUnit(shown, unit);
}

std::string ModelCheck::Describe() const {
  const bool at_least = bound == Bound::kAtLeast;
  const std::string kind = at_least ? "minimum " : "maximum ";
  if (Passed()) return label + " " + ValueText() + " meets the " + kind + LimitText();
  if (std::isnan(value)) return label + " is not a number; the " + kind + "is " + LimitText();
  return label + " " + ValueText() + (at_least ? " is below the " : " exceeds the ") + kind +
         LimitText() + " by " + ShortfallText();
}

}  // namespace sluice::ml
