// Writing Prometheus' text exposition format, version 0.0.4
// (Content-Type: text/plain; version=0.0.4): for each metric family one
// "# HELP name text" and one "# TYPE name counter|gauge|histogram" line,
// then its samples "name{label="value",...} value", all samples of a
// family together. Label values escape backslash, double quote and newline
// (\\, \", \n); help text escapes backslash and newline. Values are
// written as Go's strconv does for floats: "+Inf", "-Inf", "NaN", else the
// shortest text that reads back to the same double.
//
// Not thread-safe; one writer per answer.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::monitor {

inline constexpr std::string_view kExpositionContentType =
    "text/plain; version=0.0.4; charset=utf-8";

using Labels = std::vector<std::pair<std::string, std::string>>;

std::string EscapeLabelValue(std::string_view value);
std::string FormatMetricValue(double value);

class ExpositionWriter {
 public:
  // Starts a family: its HELP and TYPE lines. `type` is "counter", "gauge"
  // or "histogram"; `name` must be a valid metric name.
  void Family(std::string_view name, std::string_view help, std::string_view type);
  // One sample of the current family (for histograms, name carries the
  // _bucket/_sum/_count suffix).
  void Sample(std::string_view name, const Labels& labels, double value);
  // A histogram's samples from cumulative bucket counts (one per bound, in
  // ascending order of `bounds`), its count and sum; adds the +Inf bucket.
  void Histogram(std::string_view name, const Labels& labels, const std::vector<double>& bounds,
                 const std::vector<double>& cumulative, double count, double sum);

  const std::string& text() const { return out_; }

 private:
  std::string out_;
};

}  // namespace sluice::monitor
