// Internal to src/policy: Go's %f / %g layout of a decimal digit string,
// shared by Number::FromDouble (strconv.FormatFloat) and by the results of
// float arithmetic (big.Float.Text). Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace sluice::policy::internal {

// Lays out the value 0.<digits> * 10^point (Go's `decimal`: digits without
// leading or trailing zeros; empty for zero) the way Go's shortest
// formatting does:
//  - 'f': integer digits padded with zeros, then the fraction if any
//    ("1000", "0.25", "0" for zero);
//  - 'g': 'f' layout unless the decimal exponent (point - 1) is < -4 or
//    >= 6, then d.ddde±XX with at least two exponent digits ("1e+06",
//    "1.5e-07").
// A '-' is written first when `negative` (also for zero: "-0").
std::string FormatGoDecimal(bool negative, std::string_view digits, long point, char format);

}  // namespace sluice::policy::internal
