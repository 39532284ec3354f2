#include "common/clock.h"

#include <ctime>

namespace sluice {

int64_t SystemClock::NowMillis() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::chrono::steady_clock::time_point SystemClock::Steady() const {
  return std::chrono::steady_clock::now();
}

const Clock& DefaultClock() {
  static const SystemClock clock;
  return clock;
}

std::string FormatTimestamp(int64_t epoch_millis) {
  time_t secs = static_cast<time_t>(epoch_millis / 1000);
  struct tm tm_utc;
  gmtime_r(&secs, &tm_utc);
  char buf[40];
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm_utc);
  snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(epoch_millis % 1000));
  return buf;
}

}  // namespace sluice
