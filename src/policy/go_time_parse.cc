// Go's time.Parse, with UTC as the default location.

#include "policy/go_time.h"
#include "policy/go_time_layout.h"

namespace sluice::policy::gotime {
namespace {

bool IsDigit(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Go's getnum / getnum3: up to `max` digits; `fixed` wants all of them.
bool GetNum(std::string_view& s, size_t max, bool fixed, int& out) {
  size_t n = 0;
  out = 0;
  while (n < max && IsDigit(s, n)) out = out * 10 + (s[n++] - '0');
  if (n == 0 || (fixed && n < max)) return false;
  s.remove_prefix(n);
  return true;
}

// Case-insensitive match of one of `names` (cut to `len` letters when
// len > 0) at the start of s; the index.
bool Lookup(std::string_view& s, const char* const* names, int count, size_t len, int& out) {
  for (int i = 0; i < count; ++i) {
    std::string_view name = names[i];
    if (len > 0) name = name.substr(0, len);
    if (s.size() < name.size()) continue;
    bool eq = true;
    for (size_t j = 0; j < name.size() && eq; ++j) eq = (s[j] | 0x20) == (name[j] | 0x20);
    if (eq) {
      s.remove_prefix(name.size());
      out = i;
      return true;
    }
  }
  return false;
}

// Go's skip: literal layout text, where a space matches any run of spaces.
bool Skip(std::string_view& value, std::string_view prefix) {
  while (!prefix.empty()) {
    if (prefix[0] == ' ') {
      if (!value.empty() && value[0] != ' ') return false;
      while (!prefix.empty() && prefix[0] == ' ') prefix.remove_prefix(1);
      while (!value.empty() && value[0] == ' ') value.remove_prefix(1);
      continue;
    }
    if (value.empty() || value[0] != prefix[0]) return false;
    prefix.remove_prefix(1);
    value.remove_prefix(1);
  }
  return true;
}

// Go's parseNanoseconds of value[0..n) (a separator, then digits).
int32_t Nanos(std::string_view value, size_t n) {
  if (n > 10) n = 10;
  int32_t ns = 0;
  for (size_t i = 1; i < n; ++i) ns = ns * 10 + (value[i] - '0');
  for (size_t i = n; i < 10; ++i) ns *= 10;
  return ns;
}

// Go's parseTimeZone: the length of a zone abbreviation at the start of s.
size_t TimeZoneLength(std::string_view s) {
  if (s.size() < 3) return 0;
  if (s.substr(0, 4) == "ChST" || s.substr(0, 4) == "MeST") return 4;
  auto signed_offset = [](std::string_view v) -> size_t {
    if (v.empty() || (v[0] != '+' && v[0] != '-')) return 0;
    size_t n = 1;
    int64_t x = 0;
    while (IsDigit(v, n) && x <= 23) x = x * 10 + (v[n++] - '0');
    return n == 1 || x > 23 ? 0 : n;
  };
  if (s.substr(0, 3) == "GMT") return 3 + signed_offset(s.substr(3));
  if (s[0] == '+' || s[0] == '-') return signed_offset(s);
  size_t upper = 0;
  while (upper < 6 && upper < s.size() && s[upper] >= 'A' && s[upper] <= 'Z') ++upper;
  if (upper == 3) return 3;
  if (upper == 4 && (s[3] == 'T' || s.substr(0, 4) == "WITA")) return 4;
  if (upper == 5 && s[4] == 'T') return 5;
  return 0;
}

}  // namespace

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

Result<Instant> Parse(std::string_view layout, std::string_view value) {
  const std::string layout_text(layout), value_text(value);
  auto bad = [&](std::string_view elem, std::string_view rest) {
    return Status::InvalidArgument("parsing time " + Quote(value_text) + " as " + Quote(layout_text) +
                                   ": cannot parse " + Quote(rest) + " as " + Quote(elem));
  };
  auto message = [&](const std::string& m) {
    return Status::InvalidArgument("parsing time " + Quote(value_text) + m);
  };
  int64_t year = 0;
  int month = -1, day = -1, yday = -1, hour = 0, minute = 0, second = 0;
  int32_t nsec = 0;
  bool pm = false, am = false, utc = false;
  int64_t zone_offset = -1;
  while (true) {
    Chunk c = NextChunk(layout);
    std::string_view elem = layout.substr(c.prefix.size(), layout.size() - c.prefix.size() - c.suffix.size());
    if (!Skip(value, c.prefix)) return bad(c.prefix, value);
    if (c.std == Std::kNone) {
      if (!value.empty()) return message(": extra text: " + Quote(value));
      break;
    }
    layout = c.suffix;
    std::string_view hold = value;
    bool ok = true;
    std::string range;
    int n = 0;
    switch (c.std) {
      case Std::kYear:
        ok = value.size() >= 2 && GetNum(value, 2, true, n);
        year = n >= 69 ? 1900 + n : 2000 + n;
        break;
      case Std::kLongYear:
        ok = value.size() >= 4 && IsDigit(value, 0) && GetNum(value, 4, true, n);
        year = n;
        break;
      case Std::kMonth:
      case Std::kLongMonth:
        ok = Lookup(value, kLongMonthNames, 12, c.std == Std::kMonth ? 3 : 0, month);
        ++month;
        break;
      case Std::kNumMonth:
      case Std::kZeroMonth:
        ok = GetNum(value, 2, c.std == Std::kZeroMonth, month);
        if (ok && (month <= 0 || month > 12)) range = "month";
        break;
      case Std::kWeekDay:
      case Std::kLongWeekDay:
        ok = Lookup(value, kLongDayNames, 7, c.std == Std::kWeekDay ? 3 : 0, n);
        break;
      case Std::kDay:
      case Std::kUnderDay:
      case Std::kZeroDay:
        if (c.std == Std::kUnderDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        ok = GetNum(value, 2, c.std == Std::kZeroDay, day);
        break;
      case Std::kUnderYearDay:
      case Std::kZeroYearDay:
        for (int i = 0; i < 2 && c.std == Std::kUnderYearDay && !value.empty() && value[0] == ' '; ++i) {
          value.remove_prefix(1);
        }
        ok = GetNum(value, 3, c.std == Std::kZeroYearDay, yday);
        break;
      case Std::kHour:
        ok = GetNum(value, 2, false, hour);
        if (hour >= 24) range = "hour";
        break;
      case Std::kHour12:
      case Std::kZeroHour12:
        ok = GetNum(value, 2, c.std == Std::kZeroHour12, hour);
        if (hour > 12) range = "hour";
        break;
      case Std::kMinute:
      case Std::kZeroMinute:
        ok = GetNum(value, 2, c.std == Std::kZeroMinute, minute);
        if (minute >= 60) range = "minute";
        break;
      case Std::kSecond:
      case Std::kZeroSecond: {
        ok = GetNum(value, 2, c.std == Std::kZeroSecond, second);
        if (!ok) break;
        if (second >= 60) {
          range = "second";
          break;
        }
        // A fraction in the value without one in the layout is read too.
        if (value.size() >= 2 && (value[0] == '.' || value[0] == ',') && IsDigit(value, 1)) {
          Std next = NextChunk(layout).std;
          if (next == Std::kFracSecond0 || next == Std::kFracSecond9) break;
          size_t k = 2;
          while (IsDigit(value, k)) ++k;
          nsec = Nanos(value, k);
          value.remove_prefix(k);
        }
        break;
      }
      case Std::kPM:
      case Std::kpm: {
        bool upper = c.std == Std::kPM;
        std::string_view p = value.substr(0, 2);
        ok = value.size() >= 2 && (p == (upper ? "PM" : "pm") || p == (upper ? "AM" : "am"));
        if (ok) {
          (p[0] == 'P' || p[0] == 'p' ? pm : am) = true;
          value.remove_prefix(2);
        }
        break;
      }
      case Std::kISO8601TZ:
      case Std::kISO8601ShortTZ:
      case Std::kISO8601ColonTZ:
      case Std::kISO8601SecondsTZ:
      case Std::kISO8601ColonSecondsTZ:
        if (!value.empty() && value[0] == 'Z') {
          value.remove_prefix(1);
          utc = true;
          break;
        }
        [[fallthrough]];
      case Std::kNumTZ:
      case Std::kNumShortTZ:
      case Std::kNumColonTZ:
      case Std::kNumSecondsTz:
      case Std::kNumColonSecondsTZ: {
        std::string_view hh, mm = "00", ss = "00";
        size_t used = 0;
        if (c.std == Std::kISO8601ColonTZ || c.std == Std::kNumColonTZ) {
          ok = value.size() >= 6 && value[3] == ':';
          if (ok) hh = value.substr(1, 2), mm = value.substr(4, 2), used = 6;
        } else if (c.std == Std::kNumShortTZ || c.std == Std::kISO8601ShortTZ) {
          ok = value.size() >= 3;
          if (ok) hh = value.substr(1, 2), used = 3;
        } else if (c.std == Std::kISO8601ColonSecondsTZ || c.std == Std::kNumColonSecondsTZ) {
          ok = value.size() >= 9 && value[3] == ':' && value[6] == ':';
          if (ok) hh = value.substr(1, 2), mm = value.substr(4, 2), ss = value.substr(7, 2), used = 9;
        } else if (c.std == Std::kISO8601SecondsTZ || c.std == Std::kNumSecondsTz) {
          ok = value.size() >= 7;
          if (ok) hh = value.substr(1, 2), mm = value.substr(3, 2), ss = value.substr(5, 2), used = 7;
        } else {
          ok = value.size() >= 5;
          if (ok) hh = value.substr(1, 2), mm = value.substr(3, 2), used = 5;
        }
        if (!ok) break;
        char sign = value[0];
        value.remove_prefix(used);
        int h = 0, m = 0, s = 0;
        ok = GetNum(hh, 2, true, h) && GetNum(mm, 2, true, m) && GetNum(ss, 2, true, s);
        if (h > 24) range = "time zone offset hour";
        if (m > 60) range = "time zone offset minute";
        if (s > 60) range = "time zone offset second";
        zone_offset = (h * 60 + m) * 60 + s;
        if (sign == '-') {
          zone_offset = -zone_offset;
        } else if (sign != '+') {
          ok = false;
        }
        break;
      }
      case Std::kTZ: {
        // Any abbreviation: time.Parse knows only UTC, and an unknown
        // abbreviation gets a made-up zone at the same instant as UTC.
        if (value.substr(0, 3) == "UTC") {
          value.remove_prefix(3);
          utc = true;
          break;
        }
        size_t len = TimeZoneLength(value);
        ok = len > 0;
        value.remove_prefix(len);
        break;
      }
      case Std::kFracSecond0: {
        size_t digits = 1 + static_cast<size_t>(c.frac_digits);
        ok = value.size() >= digits && (value[0] == '.' || value[0] == ',');
        for (size_t i = 1; ok && i < digits; ++i) ok = IsDigit(value, i);
        if (!ok) break;
        nsec = Nanos(value, digits);
        value.remove_prefix(digits);
        break;
      }
      case Std::kFracSecond9: {
        if (value.size() < 2 || (value[0] != '.' && value[0] != ',') || !IsDigit(value, 1)) break;
        size_t k = 1;
        while (IsDigit(value, k)) ++k;
        nsec = Nanos(value, k);
        value.remove_prefix(k);
        break;
      }
      case Std::kNone:
        break;
    }
    if (!range.empty()) return message(": " + range + " out of range");
    if (!ok) return bad(elem, hold);
  }
  if (pm && hour < 12) hour += 12;
  if (am && hour == 12) hour = 0;
  if (yday >= 0) {
    if (yday < 1 || yday > (IsLeap(year) ? 366 : 365)) return message(": day-of-year out of range");
    Civil civil = CivilFromDays(DaysFromCivil(year, 1, 1) + yday - 1);
    if (month >= 0 && month != civil.month) return message(": day-of-year does not match month");
    if (day >= 0 && day != civil.day) return message(": day-of-year does not match day");
    month = civil.month;
    day = civil.day;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > DaysIn(month, year)) return message(": day out of range");
  int64_t sec = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  if (!utc && zone_offset != -1) sec -= zone_offset;
  return Instant{sec, nsec};
}

}  // namespace sluice::policy::gotime
