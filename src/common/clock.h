// Clock: the only way sluice code reads the time, so tests can fix it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sluice {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (wall clock, for records).
  virtual int64_t NowMillis() const = 0;
  // Monotonic time, for measuring durations and deadlines.
  virtual std::chrono::steady_clock::time_point Steady() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override;
  std::chrono::steady_clock::time_point Steady() const override;
};

// A clock tests move by hand. Not thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_millis = 1'700'000'000'000) : now_(now_millis) {}
  int64_t NowMillis() const override { return now_; }
  std::chrono::steady_clock::time_point Steady() const override {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(now_));
  }
  void Advance(int64_t millis) { now_ += millis; }

 private:
  int64_t now_;
};

// The process-wide system clock (stateless).
const Clock& DefaultClock();

// "2026-11-26T11:19:17.123Z"
std::string FormatTimestamp(int64_t epoch_millis);

}  // namespace sluice
