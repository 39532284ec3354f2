// POSIX TZ rules, read and applied as Go's time package does (tzset).
#include <cctype>

#include "policy/go_time_internal.h"

namespace sluice::policy::gotime {
namespace {

// A zone name: letters, or anything between '<' and '>'.
bool Name(std::string_view& s, std::string& out) {
  if (!s.empty() && s[0] == '<') {
    size_t end = s.find('>');
    if (end == std::string_view::npos) return false;
    out = std::string(s.substr(1, end - 1));
    s.remove_prefix(end + 1);
    return !out.empty();
  }
  size_t n = 0;
  while (n < s.size() && std::isalpha(static_cast<unsigned char>(s[n]))) ++n;
  if (n < 3) return false;
  out = std::string(s.substr(0, n));
  s.remove_prefix(n);
  return true;
}

bool Num(std::string_view& s, int64_t max, int64_t& out) {
  size_t n = 0;
  out = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
    out = out * 10 + (s[n] - '0');
    if (out > max) return false;
    ++n;
  }
  s.remove_prefix(n);
  return n > 0;
}

// [+-]hh[:mm[:ss]] in seconds.
bool Clock(std::string_view& s, int64_t& out) {
  int64_t sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  int64_t h = 0, m = 0, sec = 0;
  if (!Num(s, 167, h)) return false;
  if (!s.empty() && s[0] == ':') {
    s.remove_prefix(1);
    if (!Num(s, 59, m)) return false;
    if (!s.empty() && s[0] == ':') {
      s.remove_prefix(1);
      if (!Num(s, 59, sec)) return false;
    }
  }
  out = sign * (h * 3600 + m * 60 + sec);
  return true;
}

bool Rule(std::string_view& s, TzRule::When& w) {
  int64_t n = 0;
  if (!s.empty() && s[0] == 'J') {
    s.remove_prefix(1);
    if (!Num(s, 365, n) || n < 1) return false;
    w.kind = TzRule::When::Kind::kJulian;
    w.day = static_cast<int>(n);
  } else if (!s.empty() && s[0] == 'M') {
    s.remove_prefix(1);
    int64_t m = 0, wk = 0, d = 0;
    if (!Num(s, 12, m) || m < 1 || s.empty() || s[0] != '.') return false;
    s.remove_prefix(1);
    if (!Num(s, 5, wk) || wk < 1 || s.empty() || s[0] != '.') return false;
    s.remove_prefix(1);
    if (!Num(s, 6, d)) return false;
    w.kind = TzRule::When::Kind::kMonth;
    w.month = static_cast<int>(m);
    w.week = static_cast<int>(wk);
    w.day = static_cast<int>(d);
  } else {
    if (!Num(s, 365, n)) return false;
    w.kind = TzRule::When::Kind::kDay;
    w.day = static_cast<int>(n);
  }
  w.time = 7200;
  if (!s.empty() && s[0] == '/') {
    s.remove_prefix(1);
    if (!Clock(s, w.time)) return false;
  }
  return true;
}

// Seconds from the start of `year` (UTC midnight) to local midnight of the
// rule's day.
int64_t DayStart(const TzRule::When& w, int64_t year) {
  int64_t day = 0;
  switch (w.kind) {
    case TzRule::When::Kind::kJulian:
      day = w.day - 1 + (IsLeap(year) && w.day >= 60 ? 1 : 0);
      break;
    case TzRule::When::Kind::kDay:
      day = w.day;
      break;
    case TzRule::When::Kind::kMonth: {
      int64_t first = DaysFromCivil(year, w.month, 1);
      int64_t first_weekday = ((first % 7) + 11) % 7;
      int64_t d = (w.day - first_weekday + 7) % 7 + 7 * (w.week - 1);
      while (d >= DaysIn(w.month, year)) d -= 7;
      day = first + d - DaysFromCivil(year, 1, 1);
      break;
    }
  }
  return day * 86400;
}

}  // namespace

std::optional<TzRule> ParseTzRule(std::string_view s) {
  TzRule r;
  int64_t off = 0;
  if (!Name(s, r.std_offset.name) || !Clock(s, off)) return std::nullopt;
  r.std_offset.seconds = static_cast<int>(-off);
  if (s.empty()) return r;
  Zone::Offset dst;
  if (!Name(s, dst.name)) return std::nullopt;
  dst.seconds = r.std_offset.seconds + 3600;
  if (!s.empty() && s[0] != ',') {
    if (!Clock(s, off)) return std::nullopt;
    dst.seconds = static_cast<int>(-off);
  }
  if (s.empty()) s = ",M3.2.0,M11.1.0";  // Go's default rule
  if (s[0] != ',') return std::nullopt;
  s.remove_prefix(1);
  if (!Rule(s, r.start) || s.empty() || s[0] != ',') return std::nullopt;
  s.remove_prefix(1);
  if (!Rule(s, r.end) || !s.empty()) return std::nullopt;
  r.dst_offset = dst;
  return r;
}

Zone::Offset TzRule::At(int64_t sec) const {
  if (!dst_offset) return std_offset;
  int64_t days = sec >= 0 ? sec / 86400 : -((86399 - sec) / 86400);
  int64_t year = CivilFromDays(days).year;
  int64_t year_start = DaysFromCivil(year, 1, 1) * 86400;
  int64_t start_at = year_start + DayStart(start, year) + start.time - std_offset.seconds;
  int64_t end_at = year_start + DayStart(end, year) + end.time - dst_offset->seconds;
  bool dst = start_at < end_at ? (sec >= start_at && sec < end_at) : !(sec >= end_at && sec < start_at);
  return dst ? *dst_offset : std_offset;
}

}  // namespace sluice::policy::gotime
