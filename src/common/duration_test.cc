#include "common/duration.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(DurationTest, ParsesHarnessDurations) {
  struct Case {
    const char* text;
    int64_t millis;
  } cases[] = {{"10s", 10'000}, {"10m", 600'000},     {"1h30m", 5'400'000},
               {"1d", 86'400'000}, {"1w", 604'800'000}, {"500ms", 500},
               {"1m 30s", 90'000}, {"2h5s", 7'205'000}};
  for (const Case& c : cases) {
    auto r = ParseDuration(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(r->count(), c.millis) << c.text;
  }
}

TEST(DurationTest, RejectsMalformedDurations) {
  for (const char* text : {"", "10", "m", "10x", "30s1m", "1m1m", "-5s"}) {
    EXPECT_FALSE(ParseDuration(text).ok()) << text;
  }
  EXPECT_EQ(ParseDuration("10").status().message(),
            "invalid duration \"10\": missing or unknown unit (use e.g. 30s, 10m, 1h30m, 1d)");
}

TEST(DurationTest, FormatsForHumans) {
  EXPECT_EQ(FormatDuration(Millis(850)), "850ms");
  EXPECT_EQ(FormatDuration(Millis(12'345)), "12.3s");
  EXPECT_EQ(FormatDuration(Millis(125'000)), "2m05s");
  EXPECT_EQ(FormatDuration(Millis(3'720'000)), "1h02m");
}

}  // namespace
}  // namespace sluice
