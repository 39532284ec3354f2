#include "monitor/invocation_metrics.h"

#include <algorithm>

namespace sluice::monitor {

void InvocationMetrics::Observe(const std::string& function, const std::string& version,
                                double seconds, bool error) {
  const std::vector<double>& bounds = InvocationLatencyBounds();
  std::lock_guard<std::mutex> lock(mu_);
  Counts& c = counts_[{function, version}];
  ++c.invocations;
  if (error) ++c.errors;
  Latency& l = latency_[function];
  if (l.buckets.empty()) l.buckets.assign(bounds.size(), 0);
  const size_t bucket =
      static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
  if (bucket < bounds.size()) ++l.buckets[bucket];
  ++l.count;
  l.sum += seconds;
}

void InvocationMetrics::WriteTo(ExpositionWriter& out) const {
  std::lock_guard<std::mutex> lock(mu_);
  out.Family("sluice_function_invocations_total",
             "Function invocations that ran, by function and executed version, since the server "
             "started.",
             "counter");
  for (const auto& [key, c] : counts_) {
    out.Sample("sluice_function_invocations_total",
               {{"function", key.first}, {"version", key.second}},
               static_cast<double>(c.invocations));
  }
  out.Family("sluice_function_errors_total",
             "Function invocations that failed (function error, timeout, throttle), by function "
             "and executed version, since the server started.",
             "counter");
  for (const auto& [key, c] : counts_) {
    out.Sample("sluice_function_errors_total", {{"function", key.first}, {"version", key.second}},
               static_cast<double>(c.errors));
  }
  out.Family("sluice_function_invocation_duration_seconds",
             "Time from an invocation's start to its answer, by function.", "histogram");
  for (const auto& [function, l] : latency_) {
    std::vector<double> cumulative;
    int64_t running = 0;
    for (int64_t b : l.buckets) {
      running += b;
      cumulative.push_back(static_cast<double>(running));
    }
    out.Histogram("sluice_function_invocation_duration_seconds", {{"function", function}},
                  InvocationLatencyBounds(), cumulative, static_cast<double>(l.count), l.sum);
  }
}

}  // namespace sluice::monitor
