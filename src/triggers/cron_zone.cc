// Next fire times of cron schedules in IANA time zones (cron.h), on the
// date library's view of the system tzdata (USE_OS_TZDB: /usr/share/zoneinfo).
//
// The search walks local days from the day before `after` (local), and in
// each matching day the schedule's times in order. Each local time maps to
// one instant: its only one, the earliest of two when the clocks repeat it,
// and the moment of the jump when the clocks skip it. That mapping never
// goes backwards as local time goes forward, so the first candidate whose
// instant is after `after` is the answer, and skipped or repeated times
// fire once.
#include <date/date.h>
#include <date/tz.h>

#include <exception>

#include "triggers/cron.h"

namespace sluice::triggers {

namespace {

constexpr int kLastYear = 2199;

Result<const date::time_zone*> LocateZone(std::string_view name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    // The library says "... not found"; ours names the fix.
    return Status::InvalidArgument("unknown time zone \"" + std::string(name) +
                                   "\": use an IANA name such as UTC, Europe/London or "
                                   "America/New_York (see /usr/share/zoneinfo)");
  }
}

unsigned LastDayOfMonth(date::year y, date::month m) {
  return static_cast<unsigned>((y / m / date::last).day());
}

int WeekdayOf(date::year_month_day ymd) {
  return static_cast<int>(date::weekday(date::sys_days(ymd)).c_encoding());  // 0 = Sunday
}

// Quartz `dW`: the weekday (Mon-Fri) nearest day `d`, without leaving the month.
unsigned NearestWeekday(date::year y, date::month m, unsigned d) {
  unsigned last = LastDayOfMonth(y, m);
  int wd = WeekdayOf(y / m / date::day(d));
  if (wd == 6) return d == 1 ? d + 2 : d - 1;     // Saturday
  if (wd == 0) return d == last ? d - 2 : d + 1;  // Sunday
  return d;
}

bool DayOfMonthMatches(const CronSchedule& s, date::year_month_day ymd) {
  unsigned d = static_cast<unsigned>(ymd.day());
  unsigned last = LastDayOfMonth(ymd.year(), ymd.month());
  if (s.last_day) return static_cast<int>(d) == static_cast<int>(last) - s.last_day_offset;
  if (s.last_weekday) return d == NearestWeekday(ymd.year(), ymd.month(), last);
  if (s.nearest_weekday > 0) {
    if (static_cast<unsigned>(s.nearest_weekday) > last) return false;
    return d == NearestWeekday(ymd.year(), ymd.month(), s.nearest_weekday);
  }
  return s.days_of_month[d];
}

bool DayOfWeekMatches(const CronSchedule& s, date::year_month_day ymd) {
  int wd = WeekdayOf(ymd);
  unsigned d = static_cast<unsigned>(ymd.day());
  if (s.last_of_week_day >= 0) {
    return wd == s.last_of_week_day && d + 7 > LastDayOfMonth(ymd.year(), ymd.month());
  }
  if (s.nth_week_day >= 0)
    return wd == s.nth_week_day && static_cast<int>((d - 1) / 7 + 1) == s.nth;
  return s.days_of_week[wd];
}

bool DayMatches(const CronSchedule& s, date::year_month_day ymd) {
  if (!s.months[static_cast<unsigned>(ymd.month())]) return false;
  if (!s.years.empty()) {
    int index = static_cast<int>(ymd.year()) - 1970;
    if (index < 0 || index >= static_cast<int>(s.years.size()) || !s.years[index]) return false;
  }
  if (s.day_of_month_any && s.day_of_week_any) return true;
  if (s.day_of_month_any) return DayOfWeekMatches(s, ymd);
  if (s.day_of_week_any) return DayOfMonthMatches(s, ymd);
  return DayOfMonthMatches(s, ymd) || DayOfWeekMatches(s, ymd);  // Vixie cron: either
}

// The instant a local time fires at (see the comment at the top).
Seconds Resolve(const date::time_zone* zone, date::local_seconds local) {
  date::local_info info = zone->get_info(local);
  switch (info.result) {
    case date::local_info::nonexistent:
      return Seconds(info.second.begin);
    case date::local_info::ambiguous:
    case date::local_info::unique:
      break;
  }
  return Seconds(local.time_since_epoch() - info.first.offset);
}

}  // namespace

Status CheckTimeZone(std::string_view name) { return LocateZone(name).status(); }

Result<Seconds> NextFireTime(const CronSchedule& s, std::string_view time_zone, Seconds after) {
  SLUICE_ASSIGN_OR_RETURN(const date::time_zone* zone, LocateZone(time_zone));
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  const date::local_seconds local_after = zone->to_local(after);
  // No zone is more than a day from UTC, so nothing earlier can be after `after`.
  const date::local_seconds lower = local_after - hours(26);
  date::local_days day = date::floor<date::days>(local_after) - date::days(1);
  for (;; day += date::days(1)) {
    date::year_month_day ymd{date::sys_days(day.time_since_epoch())};
    if (static_cast<int>(ymd.year()) > kLastYear) break;
    if (!DayMatches(s, ymd)) continue;
    for (int h = 0; h < 24; ++h) {
      if (!s.hours[h] || day + hours(h + 1) <= lower) continue;
      for (int m = 0; m < 60; ++m) {
        if (!s.minutes[m]) continue;
        for (int sec = 0; sec < 60; ++sec) {
          if (!s.seconds[sec]) continue;
          date::local_seconds local = day + hours(h) + minutes(m) + seconds(sec);
          if (local < lower) continue;
          Seconds instant = Resolve(zone, local);
          if (instant > after) return instant;
        }
      }
    }
  }
  return Status::NotFound("cron expression \"" + s.text + "\" never fires after " +
                          FormatLocalTime(after, time_zone));
}

std::string FormatLocalTime(Seconds instant, std::string_view time_zone) {
  Result<const date::time_zone*> zone = LocateZone(time_zone);
  if (!zone.ok()) return date::format("%F %T UTC", instant);
  return date::format("%F %T %Z", date::make_zoned(*zone, instant));
}

}  // namespace sluice::triggers
