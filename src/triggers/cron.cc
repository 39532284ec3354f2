// Parsing cron expressions (cron.h). Next fire times are in cron_zone.cc.
#include "triggers/cron.h"

#include <cctype>
#include <map>
#include <optional>

#include "common/text.h"
#include "triggers/text_util.h"

namespace sluice::triggers {

namespace {

struct FieldSpec {
  std::string_view name;  // "day-of-week"
  int min = 0;
  int max = 0;
  // Names accepted for values (upper case), with their numbers.
  const std::map<std::string, int>* names = nullptr;
  std::string_view names_hint;  // " (or JAN-DEC)"
};

const std::map<std::string, int> kMonthNames = {{"JAN", 1}, {"FEB", 2},  {"MAR", 3},  {"APR", 4},
                                                {"MAY", 5}, {"JUN", 6},  {"JUL", 7},  {"AUG", 8},
                                                {"SEP", 9}, {"OCT", 10}, {"NOV", 11}, {"DEC", 12}};
const std::map<std::string, int> kUnixDayNames = {{"SUN", 0}, {"MON", 1}, {"TUE", 2}, {"WED", 3},
                                                  {"THU", 4}, {"FRI", 5}, {"SAT", 6}};
const std::map<std::string, int> kQuartzDayNames = {{"SUN", 1}, {"MON", 2}, {"TUE", 3}, {"WED", 4},
                                                    {"THU", 5}, {"FRI", 6}, {"SAT", 7}};

Status FieldError(const FieldSpec& spec, std::string_view text, std::string_view why) {
  return Status::InvalidArgument(std::string(spec.name) + " \"" + std::string(text) +
                                 "\": " + std::string(why));
}

std::string RangeHint(const FieldSpec& spec) {
  return "values go from " + std::to_string(spec.min) + " to " + std::to_string(spec.max) +
         std::string(spec.names_hint);
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Result<int> ParseValue(const FieldSpec& spec, std::string_view field, std::string_view v) {
  if (AllDigits(v)) {
    if (v.size() > 4) return FieldError(spec, field, RangeHint(spec));
    int n = std::stoi(std::string(v));
    if (n < spec.min || n > spec.max) return FieldError(spec, field, RangeHint(spec));
    return n;
  }
  if (spec.names != nullptr) {
    std::string upper;
    for (char c : v) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto it = spec.names->find(upper);
    if (it != spec.names->end()) return it->second;
  }
  return FieldError(spec, field,
                    "\"" + std::string(v) + "\" is not a number or a name; " + RangeHint(spec));
}

// `*`, `a`, `a-b`, each optionally `/step`, separated by commas. Sets
// values[min..max]. `star` tells whether the field was just `*` or `?`.
Result<std::vector<bool>> ParseList(const FieldSpec& spec, std::string_view field, bool* star) {
  std::vector<bool> values(spec.max + 1, false);
  *star = field == "*" || field == "?";
  if (*star) {
    for (int i = spec.min; i <= spec.max; ++i) values[i] = true;
    return values;
  }
  for (std::string_view item : internal::Split(field, ',')) {
    if (item.empty()) return FieldError(spec, field, "empty list item");
    std::string_view range = item;
    int step = 1;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      range = item.substr(0, slash);
      std::string_view step_text = item.substr(slash + 1);
      if (!AllDigits(step_text) || step_text.size() > 4 || std::stoi(std::string(step_text)) == 0) {
        return FieldError(spec, field, "a step after / must be a positive number");
      }
      step = std::stoi(std::string(step_text));
    }
    int lo = spec.min;
    int hi = spec.max;
    if (range == "*" || range == "?") {
      // every value
    } else if (size_t dash = range.find('-'); dash != std::string_view::npos && dash > 0) {
      SLUICE_ASSIGN_OR_RETURN(lo, ParseValue(spec, field, range.substr(0, dash)));
      SLUICE_ASSIGN_OR_RETURN(hi, ParseValue(spec, field, range.substr(dash + 1)));
      if (lo > hi) {
        return FieldError(
            spec, field,
            "range " + std::string(range) + " starts after it ends; write it as two ranges");
      }
    } else {
      SLUICE_ASSIGN_OR_RETURN(lo, ParseValue(spec, field, range));
      // `a/n` runs from a to the end; a lone `a` is just a.
      if (item.find('/') == std::string_view::npos) hi = lo;
    }
    for (int i = lo; i <= hi; i += step) values[i] = true;
  }
  return values;
}

template <size_t N>
void Fill(std::bitset<N>& bits, const std::vector<bool>& values) {
  for (size_t i = 0; i < N && i < values.size(); ++i) bits[i] = values[i];
}

// Quartz day-of-month specials: L, L-n, LW, nW. nullopt when `field` is
// none of them.
std::optional<Status> ParseQuartzDayOfMonth(std::string_view field, CronSchedule* s) {
  const FieldSpec spec{"day-of-month", 1, 31};
  if (field == "L") {
    s->last_day = true;
  } else if (field == "LW") {
    s->last_weekday = true;
  } else if (field.rfind("L-", 0) == 0) {
    std::string_view n = field.substr(2);
    if (!AllDigits(n) || n.size() > 2 || std::stoi(std::string(n)) > 30) {
      return FieldError(spec, field, "L-n needs n from 0 to 30 (days before the last day)");
    }
    s->last_day = true;
    s->last_day_offset = std::stoi(std::string(n));
  } else if (field.size() >= 2 && field.back() == 'W') {
    std::string_view n = field.substr(0, field.size() - 1);
    if (!AllDigits(n) || n.size() > 2 || std::stoi(std::string(n)) < 1 ||
        std::stoi(std::string(n)) > 31) {
      return FieldError(spec, field, "nW needs a day from 1 to 31 (the weekday nearest it)");
    }
    s->nearest_weekday = std::stoi(std::string(n));
  } else {
    return std::nullopt;
  }
  s->day_of_month_any = false;
  return Status::Ok();
}

// Quartz day-of-week specials: L, dL, d#n (d 1-7 or a name). nullopt when
// `field` is none of them.
std::optional<Status> ParseQuartzDayOfWeek(std::string_view field, CronSchedule* s) {
  const FieldSpec spec{"day-of-week", 1, 7, &kQuartzDayNames, " (or SUN-SAT)"};
  if (field == "L") {
    s->days_of_week.reset();
    s->days_of_week[6] = true;  // Quartz: a lone L is the last day of the week, Saturday
    s->day_of_week_any = false;
    return Status::Ok();
  }
  size_t hash = field.find('#');
  bool last = field.size() >= 2 && field.back() == 'L' && hash == std::string_view::npos;
  if (hash == std::string_view::npos && !last) return std::nullopt;
  std::string_view day = last ? field.substr(0, field.size() - 1) : field.substr(0, hash);
  Result<int> d = ParseValue(spec, field, day);
  if (!d.ok()) return d.status();
  if (last) {
    s->last_of_week_day = *d - 1;
  } else {
    std::string_view n = field.substr(hash + 1);
    if (!AllDigits(n) || n.size() != 1 || n[0] < '1' || n[0] > '5') {
      return FieldError(spec, field, "d#n needs n from 1 to 5 (the nth such day of the month)");
    }
    s->nth_week_day = *d - 1;
    s->nth = n[0] - '0';
  }
  s->day_of_week_any = false;
  return Status::Ok();
}

std::string_view UnixMacro(std::string_view e) {
  if (e == "@hourly") return "0 * * * *";
  if (e == "@daily" || e == "@midnight") return "0 0 * * *";
  if (e == "@weekly") return "0 0 * * 0";
  if (e == "@monthly") return "0 0 1 * *";
  if (e == "@yearly" || e == "@annually") return "0 0 1 1 *";
  return "";
}

}  // namespace

Result<CronSchedule> ParseCron(std::string_view expression, CronDialect dialect) {
  CronSchedule s;
  s.dialect = dialect;
  s.text = std::string(TrimAsciiSpace(expression));
  std::string_view text = s.text;
  const bool quartz = dialect == CronDialect::kQuartz;
  if (!quartz && !text.empty() && text[0] == '@') {
    text = UnixMacro(text);
    if (text.empty()) {
      return Status::InvalidArgument("unknown cron macro \"" + s.text +
                                     "\": use @hourly, @daily, @weekly, @monthly or @yearly");
    }
  }
  std::vector<std::string> fields;
  for (std::string_view f : internal::Split(text, ' ')) {
    if (!TrimAsciiSpace(f).empty()) fields.emplace_back(TrimAsciiSpace(f));
  }
  if (!quartz && fields.size() != 5) {
    return Status::InvalidArgument(
        "a UNIX cron expression has 5 fields (minute hour day-of-month month day-of-week), \"" +
        s.text + "\" has " + std::to_string(fields.size()) +
        (fields.size() >= 6 ? "; for seconds and years use type: QUARTZ" : ""));
  }
  if (quartz && fields.size() != 6 && fields.size() != 7) {
    return Status::InvalidArgument(
        "a QUARTZ cron expression has 6 or 7 fields (second minute hour day-of-month month "
        "day-of-week [year]), \"" +
        s.text + "\" has " + std::to_string(fields.size()) +
        (fields.size() == 5 ? "; for 5 fields use type: UNIX" : ""));
  }
  size_t i = 0;
  bool star = false;
  if (quartz) {
    SLUICE_ASSIGN_OR_RETURN(auto secs, ParseList({"second", 0, 59}, fields[i++], &star));
    Fill(s.seconds, secs);
  } else {
    s.seconds[0] = true;
  }
  SLUICE_ASSIGN_OR_RETURN(auto mins, ParseList({"minute", 0, 59}, fields[i++], &star));
  Fill(s.minutes, mins);
  SLUICE_ASSIGN_OR_RETURN(auto hours, ParseList({"hour", 0, 23}, fields[i++], &star));
  Fill(s.hours, hours);

  const std::string& dom = fields[i++];
  std::optional<Status> special = quartz ? ParseQuartzDayOfMonth(dom, &s) : std::nullopt;
  if (special) {
    SLUICE_RETURN_IF_ERROR(*special);
  } else {
    if (!quartz && (dom.find('L') != std::string::npos || dom.find('W') != std::string::npos)) {
      return Status::InvalidArgument("day-of-month \"" + dom +
                                     "\": L and W are Quartz specials; use type: QUARTZ");
    }
    SLUICE_ASSIGN_OR_RETURN(auto days, ParseList({"day-of-month", 1, 31}, dom, &star));
    Fill(s.days_of_month, days);
    s.day_of_month_any = star;
  }

  SLUICE_ASSIGN_OR_RETURN(
      auto months, ParseList({"month", 1, 12, &kMonthNames, " (or JAN-DEC)"}, fields[i++], &star));
  Fill(s.months, months);

  const std::string& dow = fields[i++];
  special = quartz ? ParseQuartzDayOfWeek(dow, &s) : std::nullopt;
  if (special) {
    SLUICE_RETURN_IF_ERROR(*special);
  } else if (quartz) {
    SLUICE_ASSIGN_OR_RETURN(
        auto days, ParseList({"day-of-week", 1, 7, &kQuartzDayNames, " (or SUN-SAT)"}, dow, &star));
    for (int d = 1; d <= 7; ++d) s.days_of_week[d - 1] = days[d];
    s.day_of_week_any = star;
  } else {
    if (dow.find('#') != std::string::npos || dow.find('L') != std::string::npos) {
      return Status::InvalidArgument("day-of-week \"" + dow +
                                     "\": # and L are Quartz specials; use type: QUARTZ");
    }
    SLUICE_ASSIGN_OR_RETURN(
        auto days, ParseList({"day-of-week", 0, 7, &kUnixDayNames, " (or SUN-SAT)"}, dow, &star));
    for (int d = 0; d <= 6; ++d) s.days_of_week[d] = days[d];
    if (days[7]) s.days_of_week[0] = true;  // 7 is Sunday too
    s.day_of_week_any = star;
  }
  if (quartz) {
    bool dom_q = dom == "?";
    bool dow_q = dow == "?";
    if (dom_q && dow_q) {
      return Status::InvalidArgument("\"" + s.text +
                                     "\": only one of day-of-month and day-of-week may be ?");
    }
    if (!dom_q && !dow_q && !(dom == "*" && dow == "*")) {
      return Status::InvalidArgument(
          "\"" + s.text +
          "\": a QUARTZ expression restricts either day-of-month or day-of-week; write ? in the "
          "other (e.g. \"0 0 12 ? * MON-FRI\")");
    }
    if (fields.size() == 7 && fields[6] != "*") {
      SLUICE_ASSIGN_OR_RETURN(auto years, ParseList({"year", 1970, 2199}, fields[6], &star));
      s.years.assign(years.begin() + 1970, years.end());
    }
  }
  return s;
}

}  // namespace sluice::triggers
