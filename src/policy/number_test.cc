#include "policy/number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace sluice::policy {
namespace {

Number N(std::string_view text) {
  Result<Number> n = Number::Parse(text);
  EXPECT_TRUE(n.ok()) << text << ": " << n.status().ToString();
  return n.ok() ? *n : Number();
}

TEST(NumberTest, ParseKeepsTheSpellingOpaPrints) {
  for (std::string_view text : {"0",
                                "1",
                                "-1",
                                "42",
                                "1.0",
                                "1.50",
                                "-0",
                                "-0.0",
                                "1e3",
                                "1E3",
                                "1e+06",
                                "1.5e-07",
                                "0.1",
                                "123456789012345678901234567890",
                                "-18446744073709551617",
                                "2e308",
                                "9223372036854775807",
                                "-9223372036854775808",
                                "0.000",
                                "100e-2"}) {
    EXPECT_EQ(N(text).ToString(), text);
  }
}

TEST(NumberTest, CanonicalIntegersAreHeldInline) {
  EXPECT_TRUE(N("42").is_int64());
  EXPECT_TRUE(N("-9223372036854775808").is_int64());
  EXPECT_FALSE(N("9223372036854775808").is_int64());
  EXPECT_FALSE(N("1.0").is_int64());  // a decimal spelling, value 1
  EXPECT_FALSE(N("-0").is_int64());
  EXPECT_EQ(Number::FromInt(-7).ToString(), "-7");
  EXPECT_EQ(Number().ToString(), "0");
}

TEST(NumberTest, ParseRejectsWhatJsonRejects) {
  for (std::string_view text : {"", "-", "+1", "01", ".5", "5.", "1e", "1e+", "0x10", "1.2.3", " 1",
                                "1 ", "NaN", "Infinity", "--1", "1_000"}) {
    Result<Number> n = Number::Parse(text);
    EXPECT_FALSE(n.ok()) << text;
  }
  EXPECT_EQ(Number::Parse("1x").status().message(), "invalid number: \"1x\"");
}

TEST(NumberTest, ParseRefusesAstronomicalMagnitudes) {
  EXPECT_EQ(Number::Parse("1e40000").status().message(), "number too big");
  EXPECT_EQ(Number::Parse("1e-40000").status().message(), "number too big");
  EXPECT_EQ(Number::Parse("1e99999999999999999999").status().message(), "number too big");
  EXPECT_TRUE(Number::Parse("1e29000").ok());
  EXPECT_TRUE(Number::Parse("0e99999999999999999999").ok());  // zero is zero
  EXPECT_FALSE(Number::Parse(std::string(30001, '7')).ok());
}

TEST(NumberTest, EqualityIsByValueAcrossSpellings) {
  EXPECT_EQ(N("1"), N("1.0"));
  EXPECT_EQ(N("1"), N("1e0"));
  EXPECT_EQ(N("1000"), N("1e3"));
  EXPECT_EQ(N("1000"), N("10e2"));
  EXPECT_EQ(N("0.5"), N("5e-1"));
  EXPECT_EQ(N("0"), N("-0"));
  EXPECT_EQ(N("0"), N("0.000"));
  EXPECT_EQ(N("-0.0"), N("0e5"));
  EXPECT_EQ(N("100000000000000000000"), N("1e20"));
  EXPECT_EQ(N("-18446744073709551617"), N("-1.8446744073709551617e19"));
  EXPECT_NE(N("0.1"), N("0.1000000000000000055511151231257827"));
  EXPECT_NE(N("28857836529306024611913"), N("28857836529306024611912"));
}

TEST(NumberTest, OrderIsExactAcrossRepresentations) {
  // Each strictly less than the next.
  std::vector<std::string_view> ascending = {
      "-1e400",
      "-123456789012345678901234567890",
      "-9223372036854775809",
      "-9223372036854775808",
      "-1.5",
      "-1",
      "-0.1000000000000000000001",
      "-0.1",
      "0",
      "1e-400",
      "0.1",
      "0.1000000000000000000001",
      "0.99999999999999999999999",
      "1",
      "1.00000000000000000000001",
      "2",
      "9223372036854775807",
      "9223372036854775807.5",
      "9223372036854775808",
      "18446744073709551616",
      "18446744073709551617",
      "1.8446744073709551618e19",
      "1e20",
      "2e308",
      "3e308",
  };
  for (size_t i = 0; i < ascending.size(); ++i) {
    for (size_t j = 0; j < ascending.size(); ++j) {
      int want = i < j ? -1 : (i > j ? 1 : 0);
      int got = Compare(N(ascending[i]), N(ascending[j]));
      EXPECT_EQ((got > 0) - (got < 0), want) << ascending[i] << " vs " << ascending[j];
    }
  }
  EXPECT_TRUE(N("1") < N("1.5"));
  EXPECT_TRUE(N("2.0") > N("1.5"));
}

TEST(NumberTest, HashAgreesWithEquality) {
  std::vector<std::vector<std::string_view>> classes = {
      {"1", "1.0", "1e0", "10e-1", "0.1e1"},
      {"0", "-0", "0.0", "-0.0", "0e10"},
      {"-5", "-5.00", "-0.5e1"},
      {"100000000000000000000", "1e20", "100000000000000000000.000"},
      {"-9223372036854775808", "-9223372036854775808.0", "-9.223372036854775808e18"},
      {"0.25", "2.5e-1", "0.250"},
      {"123456789012345678901234567890", "1.2345678901234567890123456789e29"},
  };
  for (const auto& group : classes) {
    for (std::string_view text : group) {
      EXPECT_EQ(N(text), N(group[0])) << text;
      EXPECT_EQ(N(text).Hash(), N(group[0]).Hash()) << text;
    }
  }
  EXPECT_NE(N("1").Hash(), N("2").Hash());
  EXPECT_NE(N("0.1").Hash(), N("0.01").Hash());
}

TEST(NumberTest, IntegerAccessorsByValueAndBySpelling) {
  EXPECT_TRUE(N("1.0").IsInteger());
  EXPECT_TRUE(N("1e3").IsInteger());
  EXPECT_TRUE(N("-0").IsInteger());
  EXPECT_TRUE(N("1e400").IsInteger());
  EXPECT_FALSE(N("1.5").IsInteger());
  EXPECT_FALSE(N("1e-3").IsInteger());

  EXPECT_EQ(N("1.0").ToInt64(), 1);
  EXPECT_EQ(N("1e3").ToInt64(), 1000);
  EXPECT_EQ(N("-0").ToInt64(), 0);
  EXPECT_EQ(N("9223372036854775808").ToInt64(), std::nullopt);
  EXPECT_EQ(N("1.5").ToInt64(), std::nullopt);

  // Go's json.Number.Int64: only integer spellings.
  EXPECT_EQ(N("7").LiteralInt64(), 7);
  EXPECT_EQ(N("-0").LiteralInt64(), 0);
  EXPECT_EQ(N("1.0").LiteralInt64(), std::nullopt);
  EXPECT_EQ(N("1e3").LiteralInt64(), std::nullopt);
}

TEST(NumberTest, ToDoubleRoundsCorrectlyAndReportsOverflow) {
  EXPECT_EQ(N("0.1").ToDouble(), 0.1);
  EXPECT_EQ(N("1e3").ToDouble(), 1000.0);
  EXPECT_EQ(N("-2.5").ToDouble(), -2.5);
  EXPECT_EQ(N("9007199254740993").ToDouble(), 9007199254740992.0);  // ties to even
  EXPECT_EQ(N("123456789012345678901234567890").ToDouble(), 1.2345678901234568e29);
  EXPECT_EQ(N("2e308").ToDouble(), std::nullopt);
  EXPECT_EQ(N("1e-400").ToDouble(), 0.0);
  EXPECT_TRUE(std::signbit(*N("-0").ToDouble()));
}

TEST(NumberTest, FromDoubleSpellsLikeGoFormatFloatG) {
  auto text = [](double d) { return Number::FromDouble(d)->ToString(); };
  EXPECT_EQ(text(0.5), "0.5");
  EXPECT_EQ(text(1.0), "1");
  EXPECT_EQ(text(100000), "100000");
  EXPECT_EQ(text(1e6), "1e+06");
  EXPECT_EQ(text(1e21), "1e+21");
  EXPECT_EQ(text(123456789.0), "1.23456789e+08");
  EXPECT_EQ(text(0.0001), "0.0001");
  EXPECT_EQ(text(0.00001), "1e-05");
  EXPECT_EQ(text(1.5e-7), "1.5e-07");
  EXPECT_EQ(text(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(text(-0.0), "-0");
  EXPECT_EQ(text(0.0), "0");
  EXPECT_EQ(text(5e-324), "5e-324");
  EXPECT_EQ(text(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_TRUE(Number::FromDouble(1.0)->is_int64());
  EXPECT_EQ(*Number::FromDouble(1e6), Number::FromInt(1000000));
  EXPECT_FALSE(Number::FromDouble(std::nan("")).ok());
  EXPECT_FALSE(Number::FromDouble(std::numeric_limits<double>::infinity()).ok());
}

TEST(NumberTest, FromUintCoversTheTopHalf) {
  EXPECT_TRUE(Number::FromUint(5).is_int64());
  Number top = Number::FromUint(std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(top.ToString(), "18446744073709551615");
  EXPECT_EQ(top, N("18446744073709551615"));
  EXPECT_EQ(top.Hash(), N("18446744073709551615.0").Hash());
}

TEST(NumberTest, SignIgnoresTheSignOfZero) {
  EXPECT_EQ(N("-0").Sign(), 0);
  EXPECT_EQ(N("-0.5").Sign(), -1);
  EXPECT_EQ(N("1e-400").Sign(), 1);
  EXPECT_EQ(N("-18446744073709551617").Sign(), -1);
}

TEST(NumberTest, CopiesShareAndOutliveTheOriginal) {
  Number copy;
  {
    Number big = N("123456789012345678901234567890.5");
    copy = big;
    Number moved = std::move(big);
    EXPECT_EQ(moved, copy);
  }
  EXPECT_EQ(copy.ToString(), "123456789012345678901234567890.5");
  Number self = copy;
  const Number& alias = self;
  self = alias;  // self-assignment must keep the node alive
  EXPECT_EQ(self, copy);
}

}  // namespace
}  // namespace sluice::policy
