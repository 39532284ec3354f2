// Cron schedules of Scheduled triggers (harness-semantics §8.5): parsing
// UNIX and QUARTZ expressions and finding the next fire time in a time zone.
//
// UNIX: 5 fields, `minute hour day-of-month month day-of-week`. Day of week
// 0-7 (0 and 7 are Sunday). When both day fields are restricted (neither is
// `*`), a day matches when either does, as Vixie cron does. `@hourly`,
// `@daily`/`@midnight`, `@weekly`, `@monthly`, `@yearly`/`@annually` are
// accepted.
// QUARTZ: 6 or 7 fields, `second minute hour day-of-month month day-of-week
// [year]`. Day of week 1-7 (1 is Sunday). One of the two day fields must be
// `?` (or both `*`). Quartz's specials are supported: `L` (last day of the
// month), `L-3` (three days before it), `15W` (the weekday nearest the
// 15th, within the month), `LW` (the last weekday), `6L` (the last Friday)
// and `6#3` (the third Friday). Years 1970-2199.
// Both: `*`, lists `a,b`, ranges `a-b`, steps `*/n` and `a-b/n` and `a/n`,
// month names JAN-DEC and day names SUN-SAT (any case). A `?` in UNIX is
// read as `*`.
//
// Errors are InvalidArgument naming the field, its text and what is allowed:
//   day-of-week "8": values go from 0 to 7 (or SUN-SAT)
//
// Time zones are IANA names (America/New_York, Europe/London, UTC) read from
// the system's tzdata. Daylight saving is handled as cron does: a local
// time the clocks skip fires once, at the moment the clocks jump (so
// several skipped times fire once together); a local time the clocks repeat
// fires once, at its first occurrence.
//
// Thread-safe: schedules are values; the zone database is loaded once.
#pragma once

#include <bitset>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::triggers {

enum class CronDialect { kUnix, kQuartz };

using Seconds = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

struct CronSchedule {
  CronDialect dialect = CronDialect::kUnix;
  std::string text;  // as written
  std::bitset<60> seconds;
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // 1..31
  std::bitset<13> months;         // 1..12
  std::bitset<7> days_of_week;    // 0 = Sunday .. 6 = Saturday
  bool day_of_month_any = true;   // `*` or `?`
  bool day_of_week_any = true;
  // Quartz specials of the day-of-month field.
  bool last_day = false;      // L or L-n
  int last_day_offset = 0;    // n of L-n
  bool last_weekday = false;  // LW
  int nearest_weekday = 0;    // d of dW; 0 = none
  // Quartz specials of the day-of-week field.
  int last_of_week_day = -1;  // d of dL (0..6); -1 = none
  int nth_week_day = -1;      // d of d#n (0..6); -1 = none
  int nth = 0;                // n of d#n (1..5)
  std::vector<bool> years;    // Quartz year field: index year - 1970; empty = every year
};

// Parses `expression` in `dialect`.
Result<CronSchedule> ParseCron(std::string_view expression, CronDialect dialect);

// Checks that `name` is a time zone of the system's database; the error
// names it and gives examples.
Status CheckTimeZone(std::string_view name);

// The first fire time strictly after `after`, with the schedule read in
// `time_zone`. NotFound when the schedule never fires again (e.g. 30 Feb,
// or a Quartz year in the past); InvalidArgument for an unknown zone.
Result<Seconds> NextFireTime(const CronSchedule& schedule, std::string_view time_zone,
                             Seconds after);

// "2024-03-10 03:00:00 EDT" — an instant as local time in `time_zone`
// (UTC when the zone is unknown), for people.
std::string FormatLocalTime(Seconds instant, std::string_view time_zone);

}  // namespace sluice::triggers
