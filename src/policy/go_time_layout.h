// Internals of go_time_*.cc: the elements of a Go layout
// ("2006-01-02T15:04:05.999Z07:00"), found as Go's nextStdChunk does, and
// helpers shared by the files.
#pragma once

#include <string>
#include <string_view>

namespace sluice::policy::gotime {

enum class Std {
  kNone,
  kLongMonth, kMonth, kNumMonth, kZeroMonth,      // January Jan 1 01
  kLongWeekDay, kWeekDay,                         // Monday Mon
  kDay, kUnderDay, kZeroDay,                      // 2 _2 02
  kUnderYearDay, kZeroYearDay,                    // __2 002
  kHour, kHour12, kZeroHour12,                    // 15 3 03
  kMinute, kZeroMinute, kSecond, kZeroSecond,     // 4 04 5 05
  kLongYear, kYear,                               // 2006 06
  kPM, kpm,                                       // PM pm
  kTZ,                                            // MST
  kISO8601TZ, kISO8601SecondsTZ, kISO8601ShortTZ, // Z0700 Z070000 Z07
  kISO8601ColonTZ, kISO8601ColonSecondsTZ,        // Z07:00 Z07:00:00
  kNumTZ, kNumSecondsTz, kNumShortTZ,             // -0700 -070000 -07
  kNumColonTZ, kNumColonSecondsTZ,                // -07:00 -07:00:00
  kFracSecond0, kFracSecond9,                     // .000 .999 (or ,)
};

struct Chunk {
  std::string_view prefix;  // literal text before the element
  Std std = Std::kNone;     // kNone: the layout ends with prefix
  int frac_digits = 0;      // kFracSecond*: number of digits
  char frac_sep = '.';      // kFracSecond*: '.' or ','
  std::string_view suffix;  // the rest of the layout
};

Chunk NextChunk(std::string_view layout);

// Go's strconv.Quote, for the texts of error messages.
std::string Quote(std::string_view s);

extern const char* const kLongMonthNames[12];
extern const char* const kLongDayNames[7];

}  // namespace sluice::policy::gotime
