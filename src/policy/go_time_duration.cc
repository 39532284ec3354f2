// Go's time.ParseDuration, with OPA's extra units.
#include "policy/go_time.h"
#include "policy/go_time_layout.h"

namespace sluice::policy::gotime {
namespace {

bool IsDigit(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

}  // namespace

Result<int64_t> ParseDuration(std::string_view s) {
  const std::string orig(s);
  auto invalid = [&] { return Status::InvalidArgument("time: invalid duration " + Quote(orig)); };
  constexpr uint64_t kLimit = uint64_t{1} << 63;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return invalid();
  uint64_t d = 0;
  while (!s.empty()) {
    if (s[0] != '.' && !IsDigit(s, 0)) return invalid();
    uint64_t v = 0;
    size_t n = 0;
    for (; IsDigit(s, n); ++n) {
      if (v > kLimit / 10) return invalid();
      v = v * 10 + static_cast<uint64_t>(s[n] - '0');
      if (v > kLimit) return invalid();
    }
    bool pre = n > 0;
    s.remove_prefix(n);
    bool post = false;
    uint64_t f = 0;
    double scale = 1;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      bool overflow = false;
      size_t k = 0;
      for (; IsDigit(s, k); ++k) {
        if (overflow) continue;
        if (f > (kLimit - 1) / 10) {
          overflow = true;
          continue;
        }
        uint64_t y = f * 10 + static_cast<uint64_t>(s[k] - '0');
        if (y > kLimit) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = k > 0;
      s.remove_prefix(k);
    }
    if (!pre && !post) return invalid();
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !IsDigit(s, u)) ++u;
    if (u == 0) return Status::InvalidArgument("time: missing unit in duration " + Quote(orig));
    std::string_view name = s.substr(0, u);
    s.remove_prefix(u);
    static constexpr std::pair<std::string_view, uint64_t> kUnits[] = {
        {"ns", 1},          {"us", 1000},          {"\u00b5s", 1000},       {"\u03bcs", 1000},
        {"ms", 1000000},    {"s", 1000000000},     {"m", 60000000000},      {"h", 3600000000000},
        // OPA's own units beyond Go's (its durationparser): days, weeks and
        // 365-day years.
        {"d", 86400000000000}, {"w", 604800000000000}, {"y", 31536000000000000}};
    uint64_t unit = 0;
    for (const auto& [un, scale_ns] : kUnits) {
      if (un == name) unit = scale_ns;
    }
    if (unit == 0) {
      return Status::InvalidArgument("time: unknown unit " + Quote(name) + " in duration " + Quote(orig));
    }
    if (v > kLimit / unit) return invalid();
    v *= unit;
    if (f > 0) {
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kLimit) return invalid();
    }
    d += v;
    if (d > kLimit) return invalid();
  }
  if (neg) return static_cast<int64_t>(0 - d);
  if (d > kLimit - 1) return invalid();
  return static_cast<int64_t>(d);
}

}  // namespace sluice::policy::gotime
