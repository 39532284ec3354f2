// ISO 8601 times as model checks read and write them: "2024-03-01T12:00:00Z"
// (UTC, whole seconds) out; in, what Git hosting APIs send -- a date, 'T',
// a time with optional fraction, and 'Z' or a "+hh:mm"/"-hh:mm" offset.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::monitor {

// Milliseconds since the Unix epoch as "YYYY-MM-DDTHH:MM:SSZ" (the
// milliseconds dropped).
std::string FormatIsoUtc(int64_t epoch_ms);

// Milliseconds since the Unix epoch; InvalidArgument quoting `text` when it
// is not of the form above.
Result<int64_t> ParseIsoTime(std::string_view text);

// Whole and fractional days between two times (negative when `to` is
// earlier).
double DaysBetween(int64_t from_ms, int64_t to_ms);

}  // namespace sluice::monitor
