// Counters and latency histograms of function invocations, kept in memory
// by the process that runs them (sluice server hands Observe to the
// function runtime, serve::RuntimeOptions::observe). Counters start at 0
// when the process starts, as Prometheus expects of counters; invocations
// run by another process (`sluice functions serve`) are that process's.
//
// Thread-safe: Observe is called from the runtime's threads while /metrics
// reads.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "monitor/exposition.h"

namespace sluice::monitor {

// Upper bounds of the latency buckets, in seconds.
inline const std::vector<double>& InvocationLatencyBounds() {
  static const std::vector<double> bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                             0.5,   1,    2.5,   5,    10,  30};
  return bounds;
}

class InvocationMetrics {
 public:
  // One finished invocation of `function`, run as `version` ("$LATEST",
  // "3"), that took `seconds`; `error` when the caller did not get the
  // function's answer (a function error, a timeout, a throttle).
  void Observe(const std::string& function, const std::string& version, double seconds, bool error);

  // Appends the families sluice_function_invocations_total,
  // sluice_function_errors_total and
  // sluice_function_invocation_duration_seconds.
  void WriteTo(ExpositionWriter& out) const;

 private:
  struct Counts {
    int64_t invocations = 0;
    int64_t errors = 0;
  };
  struct Latency {
    std::vector<int64_t> buckets;  // per bound, not cumulative
    int64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Counts> counts_;  // guarded by mu_
  std::map<std::string, Latency> latency_;                        // guarded by mu_
};

}  // namespace sluice::monitor
