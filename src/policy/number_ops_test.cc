#include "policy/number_ops.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace sluice::policy {
namespace {

Number N(std::string_view text) { return Number::Parse(text).value(); }

using Op = Result<Number> (*)(const Number&, const Number&);

std::string Text(Op op, std::string_view a, std::string_view b) {
  Result<Number> r = op(N(a), N(b));
  return r.ok() ? r->ToString() : "error: " + r.status().message();
}

TEST(NumberOpsTest, SmallIntegersStayInline) {
  Result<Number> r = Add(N("2"), N("3"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_int64());
  EXPECT_EQ(r->int64(), 5);
  EXPECT_EQ(Text(Subtract, "2", "7"), "-5");
  EXPECT_EQ(Text(Multiply, "-4", "6"), "-24");
  EXPECT_EQ(Text(Remainder, "7", "4"), "3");
}

// The conformance case arithmetic/bignum (v1/arithmetic/test-arithmetic-bignum.yaml).
TEST(NumberOpsTest, BigIntegersAreExact) {
  EXPECT_EQ(Text(Add, "18446744073709551617", "1"), "18446744073709551618");
  EXPECT_EQ(Text(Subtract, "18446744073709551617", "1"), "18446744073709551616");
  EXPECT_EQ(Text(Multiply, "18446744073709551617", "2"), "36893488147419103234");
  EXPECT_EQ(Text(Add, "123456789012345678901234567890", "1"), "123456789012345678901234567891");
  EXPECT_EQ(Text(Subtract, "-18446744073709551617", "1"), "-18446744073709551618");
  EXPECT_EQ(Text(Add, "49649733057", "1"), "49649733058");  // OPA bug 2469
  EXPECT_EQ(Text(Add, "1.5", "2.5"), "4");
  EXPECT_EQ(Text(Add, "1", "2.5"), "3.5");
  EXPECT_EQ(Text(Multiply, "2.5", "2"), "5");
}

TEST(NumberOpsTest, Int64OverflowMovesToBigIntegers) {
  EXPECT_EQ(Text(Add, "9223372036854775807", "1"), "9223372036854775808");
  EXPECT_EQ(Text(Subtract, "-9223372036854775808", "1"), "-9223372036854775809");
  EXPECT_EQ(Text(Multiply, "4294967296", "4294967296"), "18446744073709551616");
  EXPECT_EQ(Text(Multiply, "-9223372036854775808", "-1"), "9223372036854775808");
  EXPECT_EQ(Text(Divide, "-9223372036854775808", "-1"), "9223372036854775808");
  EXPECT_EQ(Text(Remainder, "-9223372036854775808", "-1"), "0");
  // Back down: a big result that fits is inline again.
  Result<Number> r = Subtract(N("9223372036854775808"), N("1"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_int64());
}

TEST(NumberOpsTest, IntegerValuedDecimalsCountAsIntegers) {
  EXPECT_EQ(Text(Add, "1.0", "1"), "2");
  EXPECT_EQ(Text(Add, "1e3", "1"), "1001");
  EXPECT_EQ(Text(Multiply, "1e20", "1e20"), "10000000000000000000000000000000000000000");
  EXPECT_EQ(Text(Remainder, "4.0", "3"), "1");
  EXPECT_EQ(Text(Divide, "1e3", "10"), "100");
}

TEST(NumberOpsTest, DivisionIsExactOnlyWhenItDivides) {
  EXPECT_EQ(Text(Divide, "6", "3"), "2");
  EXPECT_EQ(Text(Divide, "7", "2"), "3.5");
  EXPECT_EQ(Text(Divide, "1", "3"), "0.33333333333333333334");
  EXPECT_EQ(Text(Divide, "2", "3"), "0.6666666666666666667");
  EXPECT_EQ(Text(Divide, "100", "3"), "33.333333333333333332");
  EXPECT_EQ(Text(Divide, "1", "7"), "0.14285714285714285714");
  EXPECT_EQ(Text(Divide, "10", "4"), "2.5");
  EXPECT_EQ(Text(Divide, "-7", "2"), "-3.5");
  EXPECT_EQ(Text(Divide, "36893488147419103234", "2"), "18446744073709551617");
  EXPECT_EQ(Text(Divide, "1", "1000000"), "1e-06");
  EXPECT_EQ(Text(Divide, "1", "10000"), "0.0001");
  EXPECT_EQ(Text(Divide, "3", "0.5"), "6");
}

TEST(NumberOpsTest, ZeroDividendKeepsTheQuotientSign) {
  // OPA sends a zero dividend through big.Float, whose 0 / -3 is -0.
  EXPECT_EQ(Text(Divide, "0", "3"), "0");
  EXPECT_EQ(Text(Divide, "0", "-3"), "-0");
  EXPECT_EQ(Text(Divide, "-0", "3"), "-0");
  EXPECT_EQ(Text(Multiply, "-0.5", "0"), "-0");
  EXPECT_EQ(Text(Add, "-0.5", "0.5"), "0");
  EXPECT_EQ(Text(Multiply, "0.0", "-1"), "0");  // integers (by value): no signed zero
}

TEST(NumberOpsTest, ErrorsCarryOpaMessages) {
  EXPECT_EQ(Text(Divide, "1", "0"), "error: divide by zero");
  EXPECT_EQ(Text(Divide, "1.5", "0.0"), "error: divide by zero");
  EXPECT_EQ(Text(Divide, "1", "0e5"), "error: divide by zero");
  EXPECT_EQ(Text(Divide, "18446744073709551617", "-0"), "error: divide by zero");
  EXPECT_EQ(Text(Remainder, "7", "0"), "error: modulo by zero");
  EXPECT_EQ(Text(Remainder, "18446744073709551617", "0.0"), "error: modulo by zero");
  EXPECT_EQ(Text(Remainder, "1.1", "1"), "error: modulo on floating-point number");
  EXPECT_EQ(Text(Remainder, "1", "0.5"), "error: modulo on floating-point number");
  EXPECT_EQ(Text(Remainder, "1.5", "0"), "error: modulo on floating-point number");
  EXPECT_EQ(Text(Multiply, "1e20000", "1e20000"), "error: number too big");
  EXPECT_EQ(Text(Multiply, "1.5e20000", "1.5e20000"), "error: number too big");
}

TEST(NumberOpsTest, RemainderTruncatesLikeGo) {
  EXPECT_EQ(Text(Remainder, "-7", "4"), "-3");
  EXPECT_EQ(Text(Remainder, "7", "-4"), "3");
  EXPECT_EQ(Text(Remainder, "10", "18446744073709551616"), "10");
  EXPECT_EQ(Text(Remainder, "-36893488147419103235", "18446744073709551616"), "-3");
}

TEST(NumberOpsTest, FloatResultsHaveOpaDigits) {
  // Expected digits from x86's 80-bit long double (the same 64-bit mantissa
  // as Go's big.Float default), printed shortest by numpy.
  EXPECT_EQ(Text(Add, "0.1", "0.2"), "0.3");
  EXPECT_EQ(Text(Multiply, "0.1", "0.1"), "0.010000000000000000001");
  EXPECT_EQ(Text(Subtract, "0.7963", "0.95"), "-0.15369999999999999998");
  EXPECT_EQ(Text(Multiply, "0.1", "3"), "0.3");
  EXPECT_EQ(Text(Subtract, "0.3", "0.1"), "0.20000000000000000002");
  EXPECT_EQ(Text(Multiply, "1.1", "1.1"), "1.21");
  EXPECT_EQ(Text(Add, "0.7", "0.1"), "0.8");
  EXPECT_EQ(Text(Multiply, "3.3", "3"), "9.9");
  EXPECT_EQ(Text(Multiply, "1e-7", "1.0000"), "1e-07");
  EXPECT_EQ(Text(Add, "1234567.5", "0.0"), "1.2345675e+06");
  EXPECT_EQ(Text(Add, "123456.5", "0.0"), "123456.5");
  EXPECT_EQ(Text(Add, "0.5", "0.5"), "1");
  EXPECT_EQ(Text(Multiply, "1e30", "1.0"), "1000000000000000000000000000000");
}

TEST(NumberOpsTest, FloatResultsThatAreIntegersBecomeIntegers) {
  Result<Number> r = Add(N("1.5"), N("2.5"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_int64());
  EXPECT_EQ(r->LiteralInt64(), 4);
}

TEST(NumberOpsTest, NegateKeepsDigits) {
  EXPECT_EQ(Negate(N("5")).ToString(), "-5");
  EXPECT_EQ(Negate(N("-1.50")).ToString(), "1.50");
  EXPECT_EQ(Negate(N("1e3")).ToString(), "-1e3");
  EXPECT_EQ(Negate(N("-0")).ToString(), "0");
  EXPECT_TRUE(Negate(N("-0")).is_int64());
  EXPECT_EQ(Negate(N("-9223372036854775808")).ToString(), "9223372036854775808");
  EXPECT_EQ(Negate(N("9223372036854775808")).ToString(), "-9223372036854775808");
  EXPECT_TRUE(Negate(N("9223372036854775808")).is_int64());
}

TEST(NumberOpsTest, AbsFloorCeilRound) {
  auto text = [](Result<Number> r) { return r.ok() ? r->ToString() : r.status().message(); };
  EXPECT_EQ(text(Abs(N("-10"))), "10");
  EXPECT_EQ(text(Abs(N("-1.50"))), "1.5");
  EXPECT_EQ(text(Abs(N("-1.0"))), "1");
  EXPECT_EQ(text(Abs(N("-18446744073709551617"))), "18446744073709551617");
  EXPECT_EQ(text(Abs(N("-9223372036854775808"))), "9223372036854775808");

  // The conformance cases ceil/floor (v1/arithmetic/test-arithmetic-08xx).
  EXPECT_EQ(text(Ceil(N("1.01"))), "2");
  EXPECT_EQ(text(Ceil(N("1.5"))), "2");
  EXPECT_EQ(text(Ceil(N("2222.2222222222"))), "2223");
  EXPECT_EQ(text(Ceil(N("1"))), "1");
  EXPECT_EQ(text(Ceil(N("-1.99999"))), "-1");
  EXPECT_EQ(text(Floor(N("1.01"))), "1");
  EXPECT_EQ(text(Floor(N("1.5"))), "1");
  EXPECT_EQ(text(Floor(N("99.99999"))), "99");
  EXPECT_EQ(text(Floor(N("-1.001"))), "-2");
  EXPECT_EQ(text(Floor(N("1.0"))), "1");
  EXPECT_EQ(text(Floor(N("-0.5"))), "-1");
  EXPECT_EQ(text(Ceil(N("-0.5"))), "0");

  EXPECT_EQ(text(Round(N("2.5"))), "3");
  EXPECT_EQ(text(Round(N("-2.5"))), "-3");
  EXPECT_EQ(text(Round(N("2.4999"))), "2");
  EXPECT_EQ(text(Round(N("-0.4"))), "0");
  EXPECT_EQ(text(Round(N("1e-400"))), "0");
  EXPECT_EQ(text(Round(N("123456789012345678901234567890.5"))), "123456789012345678901234567891");
}

}  // namespace
}  // namespace sluice::policy
