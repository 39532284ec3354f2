// Go's time package, as far as OPA's time.* builtins reach into it
// (v1/topdown/time.go): civil dates, IANA time zones, layouts
// ("2006-01-02T15:04:05Z07:00") for formatting and parsing, and durations
// ("1h30m"). Go's behaviour is the spec, down to its error texts.
//
// An instant is seconds since the Unix epoch plus nanoseconds; its range is
// wider than int64 nanoseconds, so that callers can tell when a result
// leaves that range. Everything here is a pure function of its arguments,
// except LoadZone, which reads the system's tzdata (/usr/share/zoneinfo)
// once per zone and caches it; all functions are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::policy::gotime {

struct Instant {
  int64_t sec = 0;   // since 1970-01-01T00:00:00Z
  int32_t nsec = 0;  // 0 .. 999999999
};

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12; any
// day, which may overflow into the next months as in Go's time.Date).
int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day);
struct Civil {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};
Civil CivilFromDays(int64_t days);
bool IsLeap(int64_t year);
int DaysIn(int month, int64_t year);

// A time zone: offsets from UTC over time.
class Zone {
 public:
  struct Offset {
    int seconds = 0;   // east of UTC
    std::string name;  // "CET", "+0530", "UTC"
  };
  // The offset in effect at `unix_sec`.
  virtual Offset At(int64_t unix_sec) const = 0;
  virtual ~Zone() = default;
};

// UTC.
std::shared_ptr<const Zone> Utc();
// An IANA zone by name ("America/New_York"); "" and "UTC" are UTC and
// "Local" the system's zone. Go's error text when unknown
// ("unknown time zone X").
Result<std::shared_ptr<const Zone>> LoadZone(std::string_view name);

// An instant seen in a zone: its wall-clock fields.
struct Wall {
  int64_t year;
  int month, day, hour, minute, second;
  int32_t nsec;
  int weekday;  // 0 Sunday
  int yday;     // 1..366
  Zone::Offset offset;
};
Wall ToWall(Instant t, const Zone& zone);

// Go's Time.Format(layout); the named layouts (RFC3339, ...) must already
// be replaced by their text.
std::string Format(const Wall& w, std::string_view layout);
// Go's time.Parse(layout, value) (times without a zone are UTC).
Result<Instant> Parse(std::string_view layout, std::string_view value);
// Go's time.ParseDuration, in nanoseconds, with the units OPA adds to
// Go's: "d" (24h), "w" (7d) and "y" (365d).
Result<int64_t> ParseDuration(std::string_view s);

// The layout text of Go's named layout constants OPA accepts ("RFC3339",
// "ANSIC", ...), or `name` itself.
std::string_view NamedLayout(std::string_view name);

}  // namespace sluice::policy::gotime
