// Internals of go_time*.cc: POSIX TZ rules (the footer of a TZif file,
// "EST5EDT,M3.2.0,M11.1.0"), used past a zone's last transition.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "policy/go_time.h"

namespace sluice::policy::gotime {

struct TzRule {
  // The day of a rule: Julian day without Feb 29 (kJulian, 1..365),
  // zero-based day of the year (kDay, 0..365) or the w-th weekday d of
  // month m (kMonth; w = 5 is the last).
  struct When {
    enum class Kind { kJulian, kDay, kMonth } kind = Kind::kMonth;
    int day = 0, week = 0, month = 0;
    int64_t time = 7200;  // seconds after local midnight
  };
  Zone::Offset std_offset;
  std::optional<Zone::Offset> dst_offset;  // absent: no daylight saving
  When start, end;

  Zone::Offset At(int64_t unix_sec) const;
};

// Go's tzset grammar; nullopt when the rule does not parse.
std::optional<TzRule> ParseTzRule(std::string_view s);

}  // namespace sluice::policy::gotime
