#include "policy/binary_float.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>

namespace sluice::policy::internal {
namespace {

// x86-64's long double has the same 64-bit mantissa as Go's big.Float
// default precision and rounds to nearest even, so on that platform it is
// an independent oracle for everything within its exponent range.
constexpr bool kHaveOracle = std::numeric_limits<long double>::digits == 64;

BinaryFloat FromText(const std::string& text) { return ToBinaryFloat(Number::Parse(text).value()); }

long double AsLongDouble(const BinaryFloat& f) {
  long double v = std::ldexp(static_cast<long double>(f.mant), static_cast<int>(f.exp));
  return f.negative ? -v : v;
}

std::string RandomDecimal(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> len(1, 24);
  std::uniform_int_distribution<int> digit(0, 9);
  std::uniform_int_distribution<int> exp(-40, 40);
  std::string s = rng() % 2 ? "-" : "";
  int n = len(rng);
  s.push_back(static_cast<char>('1' + digit(rng) % 9));
  for (int i = 1; i < n; ++i) s.push_back(static_cast<char>('0' + digit(rng)));
  s.insert(s.size() - std::min<size_t>(n - 1, rng() % n), ".");
  if (s.back() == '.') s.push_back('0');
  s += "e" + std::to_string(exp(rng));
  return s;
}

TEST(NumberFloatTest, ParsingRoundsToNearestLikeStrtold) {
  if (!kHaveOracle) GTEST_SKIP() << "long double is not 80-bit here";
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string text = RandomDecimal(rng);
    long double want = std::strtold(text.c_str(), nullptr);
    ASSERT_EQ(AsLongDouble(FromText(text)), want) << text;
  }
  // Halfway between two 64-bit values: ties go to the even mantissa.
  EXPECT_EQ(AsLongDouble(FromText("18446744073709551617")), 18446744073709551616.0L);
  EXPECT_EQ(AsLongDouble(FromText("18446744073709551619")), 18446744073709551620.0L);
}

TEST(NumberFloatTest, ArithmeticRoundsLikeLongDouble) {
  if (!kHaveOracle) GTEST_SKIP() << "long double is not 80-bit here";
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20000; ++i) {
    BinaryFloat a = FromText(RandomDecimal(rng));
    BinaryFloat b = FromText(RandomDecimal(rng));
    long double x = AsLongDouble(a);
    long double y = AsLongDouble(b);
    ASSERT_EQ(AsLongDouble(FloatAdd(a, b)), x + y) << i;
    ASSERT_EQ(AsLongDouble(FloatSub(a, b)), x - y) << i;
    ASSERT_EQ(AsLongDouble(FloatMul(a, b)), x * y) << i;
    ASSERT_EQ(AsLongDouble(FloatQuo(a, b)), x / y) << i;
  }
}

TEST(NumberFloatTest, FarApartAddendsRoundToTheLarger) {
  BinaryFloat one = FromText("1.5");
  BinaryFloat tiny = FromText("1e-300");
  EXPECT_EQ(FormatFloat(FloatAdd(one, tiny)), "1.5");
  EXPECT_EQ(FormatFloat(FloatSub(tiny, one)), "-1.5");
  BinaryFloat two = FromText("2.0");
  EXPECT_EQ(FormatFloat(FloatSub(two, tiny)), "2");
}

// The fewest significant digits that read back (strtold) to the same value.
int ShortestDigitCount(long double v) {
  for (int n = 1; n <= 21; ++n) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*Le", n - 1, v);
    if (std::strtold(buf, nullptr) == v) return n;
  }
  return -1;
}

int SignificantDigits(const std::string& text) {
  std::string mantissa = text.substr(0, text.find('e'));
  std::string digits;
  for (char c : mantissa) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 1;
  digits = digits.substr(first);
  if (text.find('e') == std::string::npos && text.find('.') == std::string::npos) {
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  }
  return static_cast<int>(digits.size());
}

TEST(NumberFloatTest, FormattingIsShortestAndReadsBack) {
  if (!kHaveOracle) GTEST_SKIP() << "long double is not 80-bit here";
  std::mt19937_64 rng(13);
  for (int i = 0; i < 5000; ++i) {
    BinaryFloat a = FromText(RandomDecimal(rng));
    BinaryFloat b = FromText(RandomDecimal(rng));
    BinaryFloat q = FloatQuo(a, b);
    std::string text = FormatFloat(q);
    long double v = AsLongDouble(q);
    ASSERT_EQ(std::strtold(text.c_str(), nullptr), v) << text;
    ASSERT_EQ(SignificantDigits(text), ShortestDigitCount(v)) << text;
  }
}

TEST(NumberFloatTest, FormatUsesGoLayouts) {
  EXPECT_EQ(FormatFloat(FromText("0")), "0");
  EXPECT_EQ(FormatFloat(FromText("-0")), "-0");
  EXPECT_EQ(FormatFloat(FromText("1e6")), "1000000");  // integer: %f
  EXPECT_EQ(FormatFloat(FromText("1e25")), "10000000000000000000000000");
  EXPECT_EQ(FormatFloat(FromText("1.5e6")), "1500000");
  EXPECT_EQ(FormatFloat(FromText("1234567.25")), "1.23456725e+06");  // %g
  EXPECT_EQ(FormatFloat(FromText("0.0001")), "0.0001");
  EXPECT_EQ(FormatFloat(FromText("0.00001")), "1e-05");
  EXPECT_EQ(FormatFloat(FromText("-2.5e-300")), "-2.5e-300");
  EXPECT_EQ(FormatFloat(FromText("1e-4000")), "1e-4000");  // beyond a double
}

TEST(NumberFloatTest, FloatToNumberNormalisesIntegers) {
  Result<Number> n = FloatToNumber(FromText("4.0"));
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->is_int64());
  EXPECT_EQ(n->int64(), 4);
}

}  // namespace
}  // namespace sluice::policy::internal
