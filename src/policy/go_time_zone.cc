// Civil dates and time zones read from TZif files (RFC 8536), looked up as
// Go's time.Location does: transitions from the file's 64-bit block, and
// past the last one the POSIX TZ rule of the footer (tz_rule.cc).
#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "policy/go_time.h"
#include "policy/go_time_internal.h"

namespace sluice::policy::gotime {

int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  // Months beyond 1..12 carry into years, as in Go's time.Date.
  int64_t m0 = m - 1;
  y += m0 >= 0 ? m0 / 12 : -((11 - m0) / 12);
  m = m0 - (m0 >= 0 ? m0 / 12 : -((11 - m0) / 12)) * 12 + 1;
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Civil CivilFromDays(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

bool IsLeap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int DaysIn(int month, int64_t year) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

Wall ToWall(Instant t, const Zone& zone) {
  Wall w{};
  w.offset = zone.At(t.sec);
  int64_t local = t.sec + w.offset.seconds;
  int64_t days = local >= 0 ? local / 86400 : -((86399 - local) / 86400);
  int64_t secs = local - days * 86400;
  Civil c = CivilFromDays(days);
  w.year = c.year;
  w.month = c.month;
  w.day = c.day;
  w.hour = static_cast<int>(secs / 3600);
  w.minute = static_cast<int>(secs / 60 % 60);
  w.second = static_cast<int>(secs % 60);
  w.nsec = t.nsec;
  w.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  w.yday = static_cast<int>(days - DaysFromCivil(c.year, 1, 1) + 1);
  return w;
}

namespace {

class FixedZone : public Zone {
 public:
  FixedZone(int seconds, std::string name) : offset_{seconds, std::move(name)} {}
  Offset At(int64_t) const override { return offset_; }

 private:
  Offset offset_;
};

// A zone from a TZif file.
class TzifZone : public Zone {
 public:
  struct Type {
    int offset;
    bool dst;
    std::string name;
  };
  std::vector<int64_t> when;     // transition times
  std::vector<uint8_t> type_at;  // type index per transition
  std::vector<Type> types;
  std::optional<TzRule> rule;    // the footer

  Offset At(int64_t sec) const override {
    if (types.empty()) return {0, "UTC"};
    if (when.empty() || sec < when.front()) {
      const Type& t = types[FirstType()];
      return {t.offset, t.name};
    }
    if (sec >= when.back() && rule) return rule->At(sec);
    size_t i = static_cast<size_t>(std::upper_bound(when.begin(), when.end(), sec) - when.begin()) - 1;
    const Type& t = types[type_at[i]];
    return {t.offset, t.name};
  }

 private:
  // Go's lookupFirstZone: the type before the first transition.
  size_t FirstType() const {
    if (std::find(type_at.begin(), type_at.end(), 0) == type_at.end()) return 0;
    if (!type_at.empty() && types[type_at[0]].dst) {
      for (size_t i = type_at[0]; i-- > 0;) {
        if (!types[i].dst) return i;
      }
    }
    for (size_t i = 0; i < types.size(); ++i) {
      if (!types[i].dst) return i;
    }
    return 0;
  }
};

int64_t BigEndian(const std::string& b, size_t at, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(b[at + static_cast<size_t>(i)]);
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

// Parses a TZif file (version 2 or later: the 64-bit block and footer).
std::shared_ptr<const Zone> ParseTzif(const std::string& b) {
  auto counts = [&](size_t at, size_t c[6]) {
    if (b.size() < at + 44 || b.compare(at, 4, "TZif") != 0) return false;
    for (int i = 0; i < 6; ++i) {
      int64_t n = BigEndian(b, at + 20 + 4 * static_cast<size_t>(i), 4);
      if (n < 0 || n > (int64_t{1} << 20)) return false;  // keeps the size sums exact
      c[i] = static_cast<size_t>(n);
    }
    return true;
  };
  size_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  if (!counts(0, c) || b[4] < '2') return nullptr;
  size_t v1 = c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
  size_t at = 44 + v1;
  if (!counts(at, c)) return nullptr;
  at += 44;
  size_t need = c[3] * 9 + c[4] * 6 + c[5] + c[2] * 12 + c[1] + c[0];
  if (b.size() < at + need || c[4] == 0) return nullptr;
  auto zone = std::make_shared<TzifZone>();
  for (size_t i = 0; i < c[3]; ++i) zone->when.push_back(BigEndian(b, at + 8 * i, 8));
  at += 8 * c[3];
  for (size_t i = 0; i < c[3]; ++i) {
    uint8_t t = static_cast<uint8_t>(b[at + i]);
    if (t >= c[4]) return nullptr;
    zone->type_at.push_back(t);
  }
  at += c[3];
  size_t chars = at + 6 * c[4];
  for (size_t i = 0; i < c[4]; ++i) {
    size_t p = at + 6 * i;
    size_t name_at = static_cast<uint8_t>(b[p + 5]);
    if (name_at >= c[5]) return nullptr;
    std::string name(b.c_str() + chars + name_at);
    zone->types.push_back({static_cast<int>(BigEndian(b, p, 4)), b[p + 4] != 0, name});
  }
  at += need - c[3] * 9;
  if (at < b.size() && b[at] == '\n') {
    size_t end = b.find('\n', at + 1);
    if (end != std::string::npos) zone->rule = ParseTzRule(std::string_view(b).substr(at + 1, end - at - 1));
  }
  return zone;
}

std::shared_ptr<const Zone> ReadZoneFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseTzif(ss.str());
}

}  // namespace

std::shared_ptr<const Zone> Utc() {
  static const std::shared_ptr<const Zone> utc = std::make_shared<FixedZone>(0, "UTC");
  return utc;
}

Result<std::shared_ptr<const Zone>> LoadZone(std::string_view name) {
  if (name.empty() || name == "UTC") return Utc();
  // Go refuses names that could leave the zoneinfo directory.
  if (name.find("..") != std::string_view::npos || name[0] == '/' || name[0] == '\\') {
    return Status::InvalidArgument("time: invalid location name");
  }
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const Zone>, std::less<>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  std::shared_ptr<const Zone> zone = name == "Local" ? ReadZoneFile("/etc/localtime")
                                                     : ReadZoneFile("/usr/share/zoneinfo/" + std::string(name));
  if (zone == nullptr) {
    if (name == "Local") return Utc();
    return Status::NotFound("unknown time zone " + std::string(name));
  }
  cache.emplace(std::string(name), zone);
  return zone;
}

}  // namespace sluice::policy::gotime
