#include "triggers/cron.h"

#include <gtest/gtest.h>

namespace sluice::triggers {
namespace {

using namespace std::chrono;

// A UTC instant.
Seconds Utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return Seconds(sys_days(year(y) / month(mo) / day(d)).time_since_epoch() + hours(h) +
                 minutes(mi) + seconds(s));
}

Seconds Next(std::string_view expression, std::string_view zone, Seconds after,
             CronDialect dialect = CronDialect::kUnix) {
  auto schedule = ParseCron(expression, dialect);
  EXPECT_TRUE(schedule.ok()) << schedule.status().ToString();
  if (!schedule.ok()) return Seconds{};
  auto next = NextFireTime(*schedule, zone, after);
  EXPECT_TRUE(next.ok()) << next.status().ToString();
  return next.ok() ? *next : Seconds{};
}

std::string ParseError(std::string_view expression, CronDialect dialect = CronDialect::kUnix) {
  auto s = ParseCron(expression, dialect);
  return s.ok() ? "" : s.status().message();
}

TEST(CronTest, UnixDailyAndStepsInUtc) {
  EXPECT_EQ(Next("0 3 * * *", "UTC", Utc(2024, 5, 1, 3, 0)), Utc(2024, 5, 2, 3, 0));
  EXPECT_EQ(Next("0 3 * * *", "UTC", Utc(2024, 5, 1, 2, 59, 59)), Utc(2024, 5, 1, 3, 0));
  EXPECT_EQ(Next("*/15 * * * *", "UTC", Utc(2024, 5, 1, 10, 7)), Utc(2024, 5, 1, 10, 15));
  EXPECT_EQ(Next("5-10/5 8 * * *", "UTC", Utc(2024, 5, 1, 8, 6)), Utc(2024, 5, 1, 8, 10));
  EXPECT_EQ(Next("0 9 * JAN-MAR mon-fri", "UTC", Utc(2024, 3, 29, 10)), Utc(2025, 1, 1, 9));
  EXPECT_EQ(Next("@daily", "UTC", Utc(2024, 5, 1, 12)), Utc(2024, 5, 2));
}

TEST(CronTest, UnixDayFieldsBothRestrictedMatchEither) {
  // The 13th or any Friday: 2024-09-01 is a Sunday, so Friday the 6th comes first.
  EXPECT_EQ(Next("0 0 13 * 5", "UTC", Utc(2024, 9, 1)), Utc(2024, 9, 6));
  // 7 is Sunday like 0.
  EXPECT_EQ(Next("0 0 * * 7", "UTC", Utc(2024, 9, 1)), Utc(2024, 9, 8));
}

TEST(CronTest, QuartzSecondsNamesAndSpecials) {
  const auto q = CronDialect::kQuartz;
  EXPECT_EQ(Next("30 0 12 ? * MON-FRI", "UTC", Utc(2024, 9, 7), q), Utc(2024, 9, 9, 12, 0, 30));
  EXPECT_EQ(Next("0 0 12 ? * 6#3", "UTC", Utc(2024, 1, 1), q),
            Utc(2024, 1, 19, 12));                                               // third Friday
  EXPECT_EQ(Next("0 0 0 ? * 6L", "UTC", Utc(2024, 1, 1), q), Utc(2024, 1, 26));  // last Friday
  EXPECT_EQ(Next("0 0 0 L * ?", "UTC", Utc(2024, 2, 1), q), Utc(2024, 2, 29));
  EXPECT_EQ(Next("0 0 0 L-2 * ?", "UTC", Utc(2024, 2, 1), q), Utc(2024, 2, 27));
  EXPECT_EQ(Next("0 0 0 LW * ?", "UTC", Utc(2024, 8, 1), q),
            Utc(2024, 8, 30));  // 31st is a Saturday
  EXPECT_EQ(Next("0 0 0 15W * ?", "UTC", Utc(2024, 6, 1), q),
            Utc(2024, 6, 14));  // 15th is a Saturday
  EXPECT_EQ(Next("0 0 0 1W * ?", "UTC", Utc(2024, 6, 1), q), Utc(2024, 6, 3));  // stays in June
  EXPECT_EQ(Next("0 0 0 1 1 ? 2030", "UTC", Utc(2024, 6, 1), q), Utc(2030, 1, 1));
  EXPECT_EQ(Next("0 0 0 ? * 1", "UTC", Utc(2024, 9, 1), q),
            Utc(2024, 9, 8));  // 1 is Sunday in Quartz
}

TEST(CronTest, ParseErrorsNameTheFieldAndTheRule) {
  EXPECT_EQ(ParseError("0 3 * *"),
            "a UNIX cron expression has 5 fields (minute hour day-of-month month day-of-week), "
            "\"0 3 * *\" has 4");
  EXPECT_NE(ParseError("0 0 3 * * ?").find("for seconds and years use type: QUARTZ"),
            std::string::npos);
  EXPECT_EQ(ParseError("61 * * * *"), "minute \"61\": values go from 0 to 59");
  EXPECT_EQ(ParseError("0 0 * * 8"), "day-of-week \"8\": values go from 0 to 7 (or SUN-SAT)");
  EXPECT_EQ(
      ParseError("0 0 * FOO *"),
      "month \"FOO\": \"FOO\" is not a number or a name; values go from 1 to 12 (or JAN-DEC)");
  EXPECT_EQ(ParseError("0 10-2 * * *"),
            "hour \"10-2\": range 10-2 starts after it ends; write it as two ranges");
  EXPECT_EQ(ParseError("*/0 * * * *"), "minute \"*/0\": a step after / must be a positive number");
  EXPECT_NE(ParseError("0 0 L * *").find("use type: QUARTZ"), std::string::npos);
  EXPECT_NE(ParseError("0 0 0 1 * MON", CronDialect::kQuartz).find("write ? in the other"),
            std::string::npos);
  EXPECT_NE(ParseError("0 0 0 ? * ?", CronDialect::kQuartz).find("only one of"), std::string::npos);
  EXPECT_NE(ParseError("0 0 0 ? * 6#9", CronDialect::kQuartz).find("d#n needs n from 1 to 5"),
            std::string::npos);
  EXPECT_NE(ParseError("@sometimes").find("unknown cron macro"), std::string::npos);
}

TEST(CronTest, ImpossibleScheduleNeverFires) {
  auto s = ParseCron("0 0 30 2 *", CronDialect::kUnix);
  ASSERT_TRUE(s.ok());
  auto next = NextFireTime(*s, "UTC", Utc(2024, 1, 1));
  EXPECT_EQ(next.status().code(), StatusCode::kNotFound);
}

TEST(CronTest, UnknownTimeZoneIsAClearError) {
  auto s = ParseCron("0 3 * * *", CronDialect::kUnix);
  ASSERT_TRUE(s.ok());
  auto next = NextFireTime(*s, "Mars/Olympus", Utc(2024, 1, 1));
  EXPECT_EQ(next.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(next.status().message().find("unknown time zone \"Mars/Olympus\""), std::string::npos);
  EXPECT_TRUE(CheckTimeZone("Europe/London").ok());
}

TEST(CronTest, NewYorkSpringForwardFiresSkippedTimeOnceAtTheJump) {
  // 2024-03-10: 02:00 EST becomes 03:00 EDT (07:00 UTC); 02:30 does not exist.
  EXPECT_EQ(Next("30 2 * * *", "America/New_York", Utc(2024, 3, 9, 12)), Utc(2024, 3, 10, 7));
  EXPECT_EQ(Next("30 2 * * *", "America/New_York", Utc(2024, 3, 10, 7)), Utc(2024, 3, 11, 6, 30));
  // Every half hour: 02:00, 02:30 and 03:00 all fall at the jump and fire once.
  EXPECT_EQ(Next("*/30 * * * *", "America/New_York", Utc(2024, 3, 10, 6, 45)), Utc(2024, 3, 10, 7));
  EXPECT_EQ(Next("*/30 * * * *", "America/New_York", Utc(2024, 3, 10, 7)), Utc(2024, 3, 10, 7, 30));
}

TEST(CronTest, NewYorkFallBackFiresRepeatedTimeOnce) {
  // 2024-11-03: 02:00 EDT becomes 01:00 EST; 01:30 happens at 05:30 and 06:30 UTC.
  EXPECT_EQ(Next("30 1 * * *", "America/New_York", Utc(2024, 11, 2, 12)), Utc(2024, 11, 3, 5, 30));
  EXPECT_EQ(Next("30 1 * * *", "America/New_York", Utc(2024, 11, 3, 5, 30)),
            Utc(2024, 11, 4, 6, 30));
  // Hourly: 01:00 EDT fires, the second 01:00 (EST) does not, then 02:00 EST.
  EXPECT_EQ(Next("0 * * * *", "America/New_York", Utc(2024, 11, 3, 5)), Utc(2024, 11, 3, 7));
}

TEST(CronTest, LondonTransitions) {
  // 2024-03-31: 01:00 GMT becomes 02:00 BST.
  EXPECT_EQ(Next("30 1 * * *", "Europe/London", Utc(2024, 3, 30, 12)), Utc(2024, 3, 31, 1));
  EXPECT_EQ(Next("0 9 * * *", "Europe/London", Utc(2024, 4, 1)), Utc(2024, 4, 1, 8));  // 09:00 BST
  // 2024-10-27: 02:00 BST becomes 01:00 GMT; 01:30 fires at its first occurrence.
  EXPECT_EQ(Next("30 1 * * *", "Europe/London", Utc(2024, 10, 26, 12)), Utc(2024, 10, 27, 0, 30));
  EXPECT_EQ(Next("30 1 * * *", "Europe/London", Utc(2024, 10, 27, 0, 30)),
            Utc(2024, 10, 28, 1, 30));
}

TEST(CronTest, FormatsLocalTimeWithTheZoneAbbreviation) {
  EXPECT_EQ(FormatLocalTime(Utc(2024, 3, 10, 7), "America/New_York"), "2024-03-10 03:00:00 EDT");
  EXPECT_EQ(FormatLocalTime(Utc(2024, 1, 1), "UTC"), "2024-01-01 00:00:00 UTC");
}

}  // namespace
}  // namespace sluice::triggers
