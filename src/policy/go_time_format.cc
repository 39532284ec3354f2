// Go layouts: finding their elements, and Time.Format.
#include <cstdlib>

#include "policy/go_time.h"
#include "policy/go_time_layout.h"

namespace sluice::policy::gotime {

const char* const kLongMonthNames[12] = {"January", "February", "March",     "April",   "May",      "June",
                                         "July",    "August",   "September", "October", "November", "December"};
const char* const kLongDayNames[7] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

namespace {

bool StartsWith(std::string_view s, size_t i, std::string_view p) { return s.substr(i, p.size()) == p; }
bool LowerAt(std::string_view s, size_t i) { return i < s.size() && s[i] >= 'a' && s[i] <= 'z'; }
bool DigitAt(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Zero-padded to `width` digits, after a '-' when negative.
void AppendInt(std::string& out, int64_t v, int width) {
  if (v < 0) {
    out += '-';
    v = -v;
  }
  std::string digits = std::to_string(v);
  if (static_cast<int>(digits.size()) < width) out.append(static_cast<size_t>(width) - digits.size(), '0');
  out += digits;
}

}  // namespace

Chunk NextChunk(std::string_view l) {
  auto at = [&](size_t i, size_t len, Std std) {
    return Chunk{l.substr(0, i), std, 0, '.', l.substr(i + len)};
  };
  for (size_t i = 0; i < l.size(); ++i) {
    switch (l[i]) {
      case 'J':
        if (StartsWith(l, i, "Jan")) {
          if (StartsWith(l, i, "January")) return at(i, 7, Std::kLongMonth);
          if (!LowerAt(l, i + 3)) return at(i, 3, Std::kMonth);
        }
        break;
      case 'M':
        if (StartsWith(l, i, "Mon")) {
          if (StartsWith(l, i, "Monday")) return at(i, 6, Std::kLongWeekDay);
          if (!LowerAt(l, i + 3)) return at(i, 3, Std::kWeekDay);
        }
        if (StartsWith(l, i, "MST")) return at(i, 3, Std::kTZ);
        break;
      case '0':
        if (i + 1 < l.size() && l[i + 1] >= '1' && l[i + 1] <= '6') {
          static constexpr Std k0x[] = {Std::kZeroMonth,  Std::kZeroDay,    Std::kZeroHour12,
                                        Std::kZeroMinute, Std::kZeroSecond, Std::kYear};
          return at(i, 2, k0x[l[i + 1] - '1']);
        }
        if (StartsWith(l, i, "002")) return at(i, 3, Std::kZeroYearDay);
        break;
      case '1':
        if (StartsWith(l, i, "15")) return at(i, 2, Std::kHour);
        return at(i, 1, Std::kNumMonth);
      case '2':
        if (StartsWith(l, i, "2006")) return at(i, 4, Std::kLongYear);
        return at(i, 1, Std::kDay);
      case '_':
        if (StartsWith(l, i, "_2")) {
          // "_2006" is a literal '_' and a year.
          if (StartsWith(l, i + 1, "2006")) return at(i + 1, 4, Std::kLongYear);
          return at(i, 2, Std::kUnderDay);
        }
        if (StartsWith(l, i, "__2")) return at(i, 3, Std::kUnderYearDay);
        break;
      case '3':
        return at(i, 1, Std::kHour12);
      case '4':
        return at(i, 1, Std::kMinute);
      case '5':
        return at(i, 1, Std::kSecond);
      case 'P':
        if (StartsWith(l, i, "PM")) return at(i, 2, Std::kPM);
        break;
      case 'p':
        if (StartsWith(l, i, "pm")) return at(i, 2, Std::kpm);
        break;
      case '-':
        if (StartsWith(l, i, "-070000")) return at(i, 7, Std::kNumSecondsTz);
        if (StartsWith(l, i, "-07:00:00")) return at(i, 9, Std::kNumColonSecondsTZ);
        if (StartsWith(l, i, "-0700")) return at(i, 5, Std::kNumTZ);
        if (StartsWith(l, i, "-07:00")) return at(i, 6, Std::kNumColonTZ);
        if (StartsWith(l, i, "-07")) return at(i, 3, Std::kNumShortTZ);
        break;
      case 'Z':
        if (StartsWith(l, i, "Z070000")) return at(i, 7, Std::kISO8601SecondsTZ);
        if (StartsWith(l, i, "Z07:00:00")) return at(i, 9, Std::kISO8601ColonSecondsTZ);
        if (StartsWith(l, i, "Z0700")) return at(i, 5, Std::kISO8601TZ);
        if (StartsWith(l, i, "Z07:00")) return at(i, 6, Std::kISO8601ColonTZ);
        if (StartsWith(l, i, "Z07")) return at(i, 3, Std::kISO8601ShortTZ);
        break;
      case '.':
      case ',':
        if (i + 1 < l.size() && (l[i + 1] == '0' || l[i + 1] == '9')) {
          char ch = l[i + 1];
          size_t j = i + 1;
          while (j < l.size() && l[j] == ch) ++j;
          // Only a run of digits that ends here is a fraction.
          if (!DigitAt(l, j)) {
            Chunk c = at(i, j - i, ch == '0' ? Std::kFracSecond0 : Std::kFracSecond9);
            c.frac_digits = static_cast<int>(j - i - 1);
            c.frac_sep = l[i];
            return c;
          }
        }
        break;
      default:
        break;
    }
  }
  return Chunk{l, Std::kNone, 0, '.', {}};
}

std::string Format(const Wall& w, std::string_view layout) {
  std::string out;
  while (!layout.empty()) {
    Chunk c = NextChunk(layout);
    out += c.prefix;
    layout = c.suffix;
    int offset = w.offset.seconds;
    switch (c.std) {
      case Std::kNone:
        break;
      case Std::kYear:
        AppendInt(out, std::llabs(w.year) % 100, 2);
        break;
      case Std::kLongYear:
        AppendInt(out, w.year, 4);
        break;
      case Std::kMonth:
        out += std::string_view(kLongMonthNames[w.month - 1]).substr(0, 3);
        break;
      case Std::kLongMonth:
        out += kLongMonthNames[w.month - 1];
        break;
      case Std::kNumMonth:
        AppendInt(out, w.month, 0);
        break;
      case Std::kZeroMonth:
        AppendInt(out, w.month, 2);
        break;
      case Std::kWeekDay:
        out += std::string_view(kLongDayNames[w.weekday]).substr(0, 3);
        break;
      case Std::kLongWeekDay:
        out += kLongDayNames[w.weekday];
        break;
      case Std::kDay:
        AppendInt(out, w.day, 0);
        break;
      case Std::kUnderDay:
        if (w.day < 10) out += ' ';
        AppendInt(out, w.day, 0);
        break;
      case Std::kZeroDay:
        AppendInt(out, w.day, 2);
        break;
      case Std::kUnderYearDay:
        if (w.yday < 100) out += w.yday < 10 ? "  " : " ";
        AppendInt(out, w.yday, 0);
        break;
      case Std::kZeroYearDay:
        AppendInt(out, w.yday, 3);
        break;
      case Std::kHour:
        AppendInt(out, w.hour, 2);
        break;
      case Std::kHour12:
        AppendInt(out, w.hour % 12 == 0 ? 12 : w.hour % 12, 0);
        break;
      case Std::kZeroHour12:
        AppendInt(out, w.hour % 12 == 0 ? 12 : w.hour % 12, 2);
        break;
      case Std::kMinute:
        AppendInt(out, w.minute, 0);
        break;
      case Std::kZeroMinute:
        AppendInt(out, w.minute, 2);
        break;
      case Std::kSecond:
        AppendInt(out, w.second, 0);
        break;
      case Std::kZeroSecond:
        AppendInt(out, w.second, 2);
        break;
      case Std::kPM:
        out += w.hour >= 12 ? "PM" : "AM";
        break;
      case Std::kpm:
        out += w.hour >= 12 ? "pm" : "am";
        break;
      case Std::kISO8601TZ:
      case Std::kISO8601ColonTZ:
      case Std::kISO8601SecondsTZ:
      case Std::kISO8601ShortTZ:
      case Std::kISO8601ColonSecondsTZ:
      case Std::kNumTZ:
      case Std::kNumColonTZ:
      case Std::kNumSecondsTz:
      case Std::kNumShortTZ:
      case Std::kNumColonSecondsTZ: {
        bool iso = c.std == Std::kISO8601TZ || c.std == Std::kISO8601ColonTZ || c.std == Std::kISO8601SecondsTZ ||
                   c.std == Std::kISO8601ShortTZ || c.std == Std::kISO8601ColonSecondsTZ;
        if (offset == 0 && iso) {
          out += 'Z';
          break;
        }
        int zone = offset / 60;
        int abs = offset;
        if (zone < 0) {
          out += '-';
          zone = -zone;
          abs = -abs;
        } else {
          out += '+';
        }
        AppendInt(out, zone / 60, 2);
        bool colon = c.std == Std::kISO8601ColonTZ || c.std == Std::kNumColonTZ ||
                     c.std == Std::kISO8601ColonSecondsTZ || c.std == Std::kNumColonSecondsTZ;
        if (colon) out += ':';
        if (c.std != Std::kNumShortTZ && c.std != Std::kISO8601ShortTZ) AppendInt(out, zone % 60, 2);
        if (c.std == Std::kISO8601SecondsTZ || c.std == Std::kNumSecondsTz || c.std == Std::kNumColonSecondsTZ ||
            c.std == Std::kISO8601ColonSecondsTZ) {
          if (colon) out += ':';
          AppendInt(out, abs % 60, 2);
        }
        break;
      }
      case Std::kTZ: {
        if (!w.offset.name.empty()) {
          out += w.offset.name;
          break;
        }
        int zone = offset / 60;
        if (zone < 0) {
          out += '-';
          zone = -zone;
        } else {
          out += '+';
        }
        AppendInt(out, zone / 60, 2);
        AppendInt(out, zone % 60, 2);
        break;
      }
      case Std::kFracSecond0:
      case Std::kFracSecond9: {
        std::string digits = std::to_string(w.nsec);
        digits.insert(0, 9 - digits.size(), '0');
        digits.resize(static_cast<size_t>(std::min(c.frac_digits, 9)));
        if (c.std == Std::kFracSecond9) {
          while (!digits.empty() && digits.back() == '0') digits.pop_back();
          if (digits.empty()) break;
        }
        out += c.frac_sep;
        out += digits;
        break;
      }
    }
  }
  return out;
}

std::string_view NamedLayout(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"ANSIC", "Mon Jan _2 15:04:05 2006"},
      {"UnixDate", "Mon Jan _2 15:04:05 MST 2006"},
      {"RubyDate", "Mon Jan 02 15:04:05 -0700 2006"},
      {"RFC822", "02 Jan 06 15:04 MST"},
      {"RFC822Z", "02 Jan 06 15:04 -0700"},
      {"RFC850", "Monday, 02-Jan-06 15:04:05 MST"},
      {"RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"},
      {"RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"},
      {"RFC3339", "2006-01-02T15:04:05Z07:00"},
      {"RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"},
  };
  for (const auto& [n, text] : kNamed) {
    if (n == name) return text;
  }
  return name;
}

}  // namespace sluice::policy::gotime
