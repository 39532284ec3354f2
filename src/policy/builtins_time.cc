// Rego builtins: time.* (OPA v1/topdown/time.go on Go's time package,
// go_time.h), and test.sleep, which OPA's own test cases use to show that
// time.now_ns is read once per query.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <thread>

#include "policy/builtins.h"
#include "policy/go_time.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;
using gotime::Instant;
using gotime::Wall;

__extension__ using I128 = __int128;

// The nanoseconds of an instant, or OPA's error when they leave int64.
Out UnixNanos(Instant t) {
  I128 ns = static_cast<I128>(t.sec) * 1000000000 + t.nsec;
  if (ns < INT64_MIN || ns > INT64_MAX) return Out::Error("time outside of valid range");
  return Value::Int(static_cast<int64_t>(ns));
}

Instant FromNanos(int64_t ns) {
  int64_t sec = ns / 1000000000;
  int64_t rem = ns % 1000000000;
  if (rem < 0) {
    rem += 1000000000;
    --sec;
  }
  return {sec, static_cast<int32_t>(rem)};
}

// OPA's tzTime: ns, or [ns, tz] / [ns, tz, layout].
struct ZonedTime {
  Instant t;
  std::shared_ptr<const gotime::Zone> zone;
  std::string layout;
  Wall wall() const { return gotime::ToWall(t, *zone); }
};

bool TimeOperand(const Value& v, ZonedTime& out, Out& err) {
  constexpr std::string_view kWant = "either number (ns) or [number (ns), string (tz)]";
  Value ns = v;
  out.zone = gotime::Utc();
  if (v.IsArray()) {
    std::span<const Value> elems = v.ArrayElems();
    if (elems.empty()) {
      err = Out::OperandError(1, kWant, v);
      return false;
    }
    ns = elems[0];
    if (!ns.IsNumber()) {
      err = Out::OperandError(1, "number", ns);
      return false;
    }
    if (elems.size() > 1) {
      if (!elems[1].IsString()) {
        err = Out::OperandError(1, "string", elems[1]);
        return false;
      }
      Result<std::shared_ptr<const gotime::Zone>> zone = gotime::LoadZone(elems[1].AsString());
      if (!zone.ok()) {
        err = Out::Error(zone.status().message());
        return false;
      }
      out.zone = *zone;
    }
    if (elems.size() > 2) {
      if (!elems[2].IsString()) {
        err = Out::OperandError(1, "string", elems[2]);
        return false;
      }
      out.layout = std::string(elems[2].AsString());
    }
  } else if (!v.IsNumber()) {
    err = Out::OperandError(1, kWant, v);
    return false;
  }
  std::optional<int64_t> i = ns.AsNumber().IsInteger() ? ns.AsNumber().ToInt64() : std::nullopt;
  if (!i) {
    err = Out::Error("timestamp too big");
    return false;
  }
  out.t = FromNanos(*i);
  return true;
}

// The same instant for the whole query, as OPA's per-query builtin cache.
Out NowNs(Args, BuiltinContext& ctx) {
  const Value key = Value::String("time.now_ns");
  if (auto it = ctx.cache.find(key); it != ctx.cache.end()) return it->second;
  auto now = std::chrono::system_clock::now().time_since_epoch();
  Value v = Value::Int(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
  ctx.cache.emplace(key, v);
  return v;
}

Out ParseNs(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  Result<Instant> t = gotime::Parse(gotime::NamedLayout(a[0].AsString()), a[1].AsString());
  if (!t.ok()) return Out::Error(t.status().message());
  return UnixNanos(*t);
}

Out ParseRfc3339Ns(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  Result<Instant> t = gotime::Parse(gotime::NamedLayout("RFC3339"), a[0].AsString());
  if (!t.ok()) return Out::Error(t.status().message());
  return UnixNanos(*t);
}

Out ParseDurationNs(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  Result<int64_t> d = gotime::ParseDuration(a[0].AsString());
  if (!d.ok()) return Out::Error(d.status().message());
  return Value::Int(*d);
}

Out Format(Args a) {
  ZonedTime z;
  Out err;
  if (!TimeOperand(a[0], z, err)) return err;
  std::string_view layout = z.layout.empty() ? "RFC3339Nano" : std::string_view(z.layout);
  return Value::String(gotime::Format(z.wall(), gotime::NamedLayout(layout)));
}

Out Date(Args a) {
  ZonedTime z;
  Out err;
  if (!TimeOperand(a[0], z, err)) return err;
  Wall w = z.wall();
  return Value::Array({Value::Int(w.year), Value::Int(w.month), Value::Int(w.day)});
}

Out Clock(Args a) {
  ZonedTime z;
  Out err;
  if (!TimeOperand(a[0], z, err)) return err;
  Wall w = z.wall();
  return Value::Array({Value::Int(w.hour), Value::Int(w.minute), Value::Int(w.second)});
}

Out Weekday(Args a) {
  ZonedTime z;
  Out err;
  if (!TimeOperand(a[0], z, err)) return err;
  static constexpr const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};
  return Value::String(kDays[z.wall().weekday]);
}

bool IntArg(const Value& v, int n, int64_t& out, Out& err) {
  if (!v.IsNumber()) {
    err = Out::OperandError(n, "number", v);
    return false;
  }
  std::optional<int64_t> i = v.AsNumber().IsInteger() ? v.AsNumber().ToInt64() : std::nullopt;
  if (!i) {
    err = Out::TypeError("operand " + std::to_string(n) + " must be integer number but got floating-point number");
    return false;
  }
  out = *i;
  return true;
}

// Go's time.Date in a zone: the wall clock back to an instant, with the
// offset in effect at that instant.
Instant FromWall(int64_t y, int64_t m, int64_t d, const Wall& w, const gotime::Zone& zone) {
  int64_t local = gotime::DaysFromCivil(y, m, d) * 86400 + w.hour * 3600 + w.minute * 60 + w.second;
  int offset = zone.At(local).seconds;
  int corrected = zone.At(local - offset).seconds;
  return {local - corrected, w.nsec};
}

Out AddDate(Args a) {
  ZonedTime z;
  Out err;
  int64_t years = 0, months = 0, days = 0;
  if (!TimeOperand(a[0], z, err) || !IntArg(a[1], 2, years, err) || !IntArg(a[2], 3, months, err) ||
      !IntArg(a[3], 4, days, err)) {
    return err;
  }
  // Beyond this the result is out of range anyway; it keeps the civil
  // arithmetic within int64.
  constexpr int64_t kMax = int64_t{1} << 40;
  if (std::abs(years) > kMax || std::abs(months) > kMax || std::abs(days) > kMax) {
    return Out::Error("time outside of valid range");
  }
  Wall w = z.wall();
  return UnixNanos(FromWall(w.year + years, w.month + months, w.day + days, w, *z.zone));
}

Out Diff(Args a) {
  ZonedTime x, y;
  Out err;
  if (!TimeOperand(a[0], x, err) || !TimeOperand(a[1], y, err)) return err;
  Instant t1 = x.t, t2 = y.t;
  if (t1.sec > t2.sec || (t1.sec == t2.sec && t1.nsec > t2.nsec)) std::swap(t1, t2);
  Wall w1 = gotime::ToWall(t1, *x.zone), w2 = gotime::ToWall(t2, *x.zone);
  int64_t year = w2.year - w1.year;
  int64_t month = w2.month - w1.month, day = w2.day - w1.day;
  int64_t hour = w2.hour - w1.hour, min = w2.minute - w1.minute, sec = w2.second - w1.second;
  // Borrow from the next larger unit, as Go's icza/gox diff does.
  auto borrow = [](int64_t& unit, int64_t size, int64_t& next) {
    if (unit < 0) {
      unit += size;
      --next;
    }
  };
  borrow(sec, 60, min);
  borrow(min, 60, hour);
  borrow(hour, 24, day);
  borrow(day, gotime::DaysIn(w1.month, w1.year), month);
  borrow(month, 12, year);
  return Value::Array({Value::Int(year), Value::Int(month), Value::Int(day), Value::Int(hour), Value::Int(min),
                       Value::Int(sec)});
}

Out TestSleep(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  Result<int64_t> d = gotime::ParseDuration(a[0].AsString());
  if (!d.ok()) return Out::Error(d.status().message());
  std::this_thread::sleep_for(std::chrono::nanoseconds(*d));
  return Value::Null();
}

}  // namespace

void RegisterTimeBuiltins(BuiltinRegistry& registry) {
  registry.AddWithContext("time.now_ns", 0, NowNs);
  registry.Add("time.parse_ns", 2, ParseNs);
  registry.Add("time.parse_rfc3339_ns", 1, ParseRfc3339Ns);
  registry.Add("time.parse_duration_ns", 1, ParseDurationNs);
  registry.Add("time.format", 1, Format);
  registry.Add("time.date", 1, Date);
  registry.Add("time.clock", 1, Clock);
  registry.Add("time.weekday", 1, Weekday);
  registry.Add("time.add_date", 4, AddDate);
  registry.Add("time.diff", 2, Diff);
  registry.Add("test.sleep", 1, TestSleep);
}

}  // namespace sluice::policy
