#include "policy/go_time.h"

#include <gtest/gtest.h>

namespace sluice::policy::gotime {
namespace {

int64_t ParseSec(std::string_view layout, std::string_view value) {
  Result<Instant> t = Parse(NamedLayout(layout), value);
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? t->sec : 0;
}

TEST(GoTimeTest, CivilDatesRoundTrip) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2020, 2, 29), 18321);
  EXPECT_EQ(DaysFromCivil(2020, 14, 1), DaysFromCivil(2021, 2, 1));  // months carry
  Civil c = CivilFromDays(-1);
  EXPECT_EQ(c.year, 1969);
  EXPECT_EQ(c.month, 12);
  EXPECT_EQ(c.day, 31);
}

TEST(GoTimeTest, ParsesGoLayouts) {
  EXPECT_EQ(ParseSec("RFC3339", "2017-06-02T19:00:00-07:00"), 1496455200);
  EXPECT_EQ(ParseSec("01/02 03:04:05PM '06 -0700", "06/02 07:00:00PM '17 -0700"), 1496455200);
  EXPECT_EQ(ParseSec("2006-01-02", "2020-03-01"), 1583020800);
  Result<Instant> frac = Parse("2006-01-02T15:04:05Z07:00", "1970-01-01T00:00:01.5Z");
  ASSERT_TRUE(frac.ok());
  EXPECT_EQ(frac->nsec, 500000000);
  Result<Instant> bad = Parse("2006-01-02", "2020-02-30");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "parsing time \"2020-02-30\": day out of range");
  bad = Parse("2006-01-02", "20x0-02-03");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "parsing time \"20x0-02-03\" as \"2006-01-02\": cannot parse \"20x0-02-03\" as \"2006\"");
}

TEST(GoTimeTest, FormatsInZones) {
  Instant t{1670006453, 141828752};
  EXPECT_EQ(Format(ToWall(t, *Utc()), NamedLayout("RFC3339Nano")), "2022-12-02T18:40:53.141828752Z");
  Result<std::shared_ptr<const Zone>> kolkata = LoadZone("Asia/Kolkata");
  ASSERT_TRUE(kolkata.ok());
  EXPECT_EQ(Format(ToWall(t, **kolkata), "Mon Jan _2 15:04:05 MST 2006 .000 pm"),
            "Sat Dec  3 00:10:53 IST 2022 .141 am");
  EXPECT_FALSE(LoadZone("No/Such_Zone").ok());
}

TEST(GoTimeTest, FooterRuleAppliesPastLastTransition) {
  Result<std::shared_ptr<const Zone>> ny = LoadZone("America/New_York");
  ASSERT_TRUE(ny.ok());
  // 2100-07-01 and 2100-01-01, beyond the table of any tzdata build.
  EXPECT_EQ((*ny)->At(4118083200).seconds, -4 * 3600);
  EXPECT_EQ((*ny)->At(4102444800).seconds, -5 * 3600);
}

TEST(GoTimeTest, ParsesDurations) {
  EXPECT_EQ(*ParseDuration("100ms"), 100000000);
  EXPECT_EQ(*ParseDuration("-1.5h"), -5400000000000);
  EXPECT_EQ(*ParseDuration("1h2m3s4ms5us6ns"), 3723004005006);
  EXPECT_EQ(ParseDuration("1").status().message(), "time: missing unit in duration \"1\"");
  EXPECT_EQ(*ParseDuration("1d2h"), 93600000000000);
  EXPECT_EQ(*ParseDuration("1y"), 365 * 86400000000000);
  EXPECT_EQ(ParseDuration("1x").status().message(), "time: unknown unit \"x\" in duration \"1x\"");
  EXPECT_FALSE(ParseDuration("9223372036854775808ns").ok());
}

}  // namespace
}  // namespace sluice::policy::gotime
