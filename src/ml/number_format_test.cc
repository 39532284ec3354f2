#include "ml/number_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace sluice::ml {
namespace {

// Expected strings are what CPython 3.11 prints for repr(x).
TEST(NumberFormatTest, PythonReprMatchesPython) {
  EXPECT_EQ(PythonRepr(0.92669), "0.92669");
  EXPECT_EQ(PythonRepr(93.23 - 85.88), "7.3500000000000085");
  EXPECT_EQ(PythonRepr(7.350000000000009), "7.350000000000009");
  EXPECT_EQ(PythonRepr(98.03 - 77.23), "20.799999999999997");
  EXPECT_EQ(PythonRepr(21.0), "21.0");
  EXPECT_EQ(PythonRepr(0.0), "0.0");
  EXPECT_EQ(PythonRepr(-0.0), "-0.0");
  EXPECT_EQ(PythonRepr(1.0), "1.0");
  EXPECT_EQ(PythonRepr(0.1), "0.1");
  EXPECT_EQ(PythonRepr(0.0001), "0.0001");
  EXPECT_EQ(PythonRepr(0.00001), "1e-05");
  EXPECT_EQ(PythonRepr(0.000123), "0.000123");
  EXPECT_EQ(PythonRepr(1.5e-7), "1.5e-07");
  EXPECT_EQ(PythonRepr(1e15), "1000000000000000.0");
  EXPECT_EQ(PythonRepr(1e16), "1e+16");
  EXPECT_EQ(PythonRepr(1.2345e16), "1.2345e+16");
  EXPECT_EQ(PythonRepr(123456789.125), "123456789.125");
  EXPECT_EQ(PythonRepr(-2.5), "-2.5");
  EXPECT_EQ(PythonRepr(1e100), "1e+100");
  EXPECT_EQ(PythonRepr(5e-324), "5e-324");
  EXPECT_EQ(PythonRepr(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(PythonRepr(std::nan("")), "nan");
}

TEST(NumberFormatTest, PythonReprReadsBackExactly) {
  for (double x : {0.92669, 7.350000000000009, 1.0 / 3.0, 2.0 / 3.0 * 1e-6, 123.456e20}) {
    EXPECT_EQ(std::stod(PythonRepr(x)), x) << PythonRepr(x);
  }
}

TEST(NumberFormatTest, ExactDropsPythonsPointZero) {
  EXPECT_EQ(FormatExact(90), "90");
  EXPECT_EQ(FormatExact(0.9), "0.9");
  EXPECT_EQ(FormatExact(0), "0");
  EXPECT_EQ(FormatExact(-21), "-21");
  EXPECT_EQ(FormatExact(7.3500000000000085), "7.3500000000000085");
  EXPECT_EQ(FormatExact(1e16), "1e+16");
  EXPECT_EQ(FormatExact(std::nan("")), "nan");
}

TEST(NumberFormatTest, CountsGroupThousands) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(100000), "100,000");
  EXPECT_EQ(FormatCount(-1234567), "-1,234,567");
}

TEST(NumberFormatTest, FixedAndTrimmed) {
  EXPECT_EQ(FormatFixed(41500.5, 2), "41,500.50");
  EXPECT_EQ(FormatFixed(0.926694, 5), "0.92669");
  EXPECT_EQ(FormatFixed(-1234.5, 0), "-1,234");  // ties to even, like printf
  EXPECT_EQ(FormatTrimmed(41500.5, 4), "41,500.5");
  EXPECT_EQ(FormatTrimmed(21.0, 2), "21");
  EXPECT_EQ(FormatTrimmed(0.9, 5), "0.9");
  EXPECT_EQ(FormatTrimmed(-0.0001, 2), "0");
  EXPECT_EQ(FormatTrimmed(1e6, 3), "1,000,000");
  EXPECT_EQ(FormatTrimmed(std::nan(""), 3), "nan");
}

}  // namespace
}  // namespace sluice::ml
