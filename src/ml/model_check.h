// ModelCheck: one threshold a model figure must meet before the model may be
// deployed ("test accuracy >= 0.9", "equal-opportunity gap <= 21 points"),
// and its verdict. The same value feeds the report's headline, the JUnit
// test case and the command's message, so they cannot disagree.
//
// Bounds are inclusive, as the pipeline's policy reads them (allow when
// accuracy >= 0.9 and gap <= 21). A NaN value fails every check. Display
// rounds to `decimals` digits but never so far that a failing value looks
// equal to its limit (then the exact value, PythonRepr, is shown) or that a
// shortfall reads 0 (then two significant digits).
// Plain values and pure functions; thread-safe.
#pragma once

#include <string>

namespace sluice::ml {

enum class Bound {
  kAtLeast,  // value >= limit
  kAtMost,   // value <= limit
};

struct ModelCheck {
  std::string id;     // stable identifier, e.g. "accuracy" (the JUnit test name)
  std::string label;  // for people, e.g. "Test accuracy"
  double value = 0;
  Bound bound = Bound::kAtLeast;
  double limit = 0;
  std::string unit;  // appended to numbers when not empty, e.g. "points"
  int decimals = 5;  // display precision, in [0, 17]

  bool Passed() const;
  // How far the value is on the wrong side of the limit; 0 when passed.
  double Shortfall() const;
  // Display forms: "0.92669", "21", "7.35 points".
  std::string ValueText() const;
  std::string LimitText() const;
  std::string ShortfallText() const;
  // One ASCII sentence for logs and JUnit messages:
  //   "Test accuracy 0.92669 meets the minimum 0.9"
  //   "Equal-opportunity gap 22.5 points exceeds the maximum 21 points by 1.5 points"
  std::string Describe() const;
};

}  // namespace sluice::ml
