// CVSS base scores: the metric weights and formulas of the CVSS v3.1
// specification (§7, identical for 3.0 except Roundup) and of CVSS v2 (§3.2.1).
#include "scan/cvss.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace sluice::scan {
namespace {

// One metric: its name and the weight of each allowed value letter.
struct Metric {
  std::string_view name;
  std::map<char, double> weights;
};

// The vector's metrics by name; InvalidArgument naming the problem metric.
// `base` metrics are all required, `other` names (temporal, environmental)
// are accepted and their values ignored.
Result<std::map<std::string_view, char>> ReadMetrics(std::string_view vector,
                                                     std::string_view metrics,
                                                     const std::vector<Metric>& base,
                                                     const std::vector<std::string_view>& other) {
  auto error = [&](const std::string& what) {
    return Status::InvalidArgument("CVSS vector \"" + std::string(vector) + "\": " + what);
  };
  std::map<std::string_view, char> values;
  std::map<std::string_view, bool> seen;
  size_t pos = 0;
  while (pos <= metrics.size()) {
    size_t slash = metrics.find('/', pos);
    std::string_view part =
        metrics.substr(pos, slash == std::string_view::npos ? slash : slash - pos);
    pos = slash == std::string_view::npos ? metrics.size() + 1 : slash + 1;
    size_t colon = part.find(':');
    if (colon == std::string_view::npos) {
      return error("\"" + std::string(part) + "\" is not a metric:value pair");
    }
    std::string_view name = part.substr(0, colon);
    std::string_view value = part.substr(colon + 1);
    if (seen[name]) return error("metric " + std::string(name) + " is given twice");
    seen[name] = true;
    auto metric =
        std::find_if(base.begin(), base.end(), [&](const Metric& m) { return m.name == name; });
    if (metric == base.end()) {
      if (std::find(other.begin(), other.end(), name) != other.end()) continue;
      return error("unknown metric \"" + std::string(name) + "\"");
    }
    if (value.size() != 1 || !metric->weights.count(value[0])) {
      return error("metric " + std::string(name) + " has unknown value \"" + std::string(value) +
                   "\"");
    }
    values[metric->name] = value[0];
  }
  for (const Metric& m : base) {
    if (!values.count(m.name)) return error("base metric " + std::string(m.name) + " is missing");
  }
  return values;
}

double Weight(const std::vector<Metric>& metrics, std::string_view name, char value) {
  for (const Metric& m : metrics) {
    if (m.name == name) return m.weights.at(value);
  }
  return 0;
}

// CVSS 3.0's Roundup: the smallest one-decimal number >= x.
double RoundupV30(double x) { return std::ceil(x * 10) / 10; }

}  // namespace

double CvssV31Roundup(double value) {
  // Integer arithmetic on 1/100000ths, so that binary floating point error
  // (4.000000000000001) does not round a score up by a whole tenth.
  auto scaled = static_cast<long long>(std::llround(value * 100000));
  if (scaled % 10000 == 0) return static_cast<double>(scaled) / 100000.0;
  return static_cast<double>(scaled / 10000 + 1) / 10.0;
}

Result<double> CvssV3BaseScore(std::string_view vector) {
  std::string_view metrics = vector;
  bool v31;
  if (metrics.substr(0, 9) == "CVSS:3.1/") {
    v31 = true;
  } else if (metrics.substr(0, 9) == "CVSS:3.0/") {
    v31 = false;
  } else {
    return Status::InvalidArgument("CVSS vector \"" + std::string(vector) +
                                   "\": not CVSS 3.x (it must start with CVSS:3.0/ or CVSS:3.1/)");
  }
  metrics.remove_prefix(9);
  // PR's weights for a changed scope are looked up under "PR_C" below.
  static const std::vector<Metric> kBase = {
      {"AV", {{'N', 0.85}, {'A', 0.62}, {'L', 0.55}, {'P', 0.2}}},
      {"AC", {{'L', 0.77}, {'H', 0.44}}},
      {"PR", {{'N', 0.85}, {'L', 0.62}, {'H', 0.27}}},
      {"UI", {{'N', 0.85}, {'R', 0.62}}},
      {"S", {{'U', 0}, {'C', 0}}},
      {"C", {{'H', 0.56}, {'L', 0.22}, {'N', 0}}},
      {"I", {{'H', 0.56}, {'L', 0.22}, {'N', 0}}},
      {"A", {{'H', 0.56}, {'L', 0.22}, {'N', 0}}},
  };
  static const std::vector<std::string_view> kOther = {"E",   "RL",  "RC",  "CR", "IR", "AR", "MAV",
                                                       "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA"};
  auto read = ReadMetrics(vector, metrics, kBase, kOther);
  if (!read.ok()) return read.status();
  const auto& m = *read;
  bool changed = m.at("S") == 'C';
  double pr = Weight(kBase, "PR", m.at("PR"));
  if (changed && m.at("PR") == 'L') pr = 0.68;
  if (changed && m.at("PR") == 'H') pr = 0.5;
  double iss = 1 - (1 - Weight(kBase, "C", m.at("C"))) * (1 - Weight(kBase, "I", m.at("I"))) *
                       (1 - Weight(kBase, "A", m.at("A")));
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  double exploitability = 8.22 * Weight(kBase, "AV", m.at("AV")) * Weight(kBase, "AC", m.at("AC")) *
                          pr * Weight(kBase, "UI", m.at("UI"));
  if (impact <= 0) return 0.0;
  double raw = changed ? std::min(1.08 * (impact + exploitability), 10.0)
                       : std::min(impact + exploitability, 10.0);
  return v31 ? CvssV31Roundup(raw) : RoundupV30(raw);
}

Result<double> CvssV2BaseScore(std::string_view vector) {
  static const std::vector<Metric> kBase = {
      {"AV", {{'L', 0.395}, {'A', 0.646}, {'N', 1.0}}},
      {"AC", {{'H', 0.35}, {'M', 0.61}, {'L', 0.71}}},
      {"Au", {{'M', 0.45}, {'S', 0.56}, {'N', 0.704}}},
      {"C", {{'N', 0}, {'P', 0.275}, {'C', 0.660}}},
      {"I", {{'N', 0}, {'P', 0.275}, {'C', 0.660}}},
      {"A", {{'N', 0}, {'P', 0.275}, {'C', 0.660}}},
  };
  static const std::vector<std::string_view> kOther = {"E",  "RL", "RC", "CDP",
                                                       "TD", "CR", "IR", "AR"};
  std::string_view metrics = vector;
  // NVD writes v2 vectors bare or in parentheses, "(AV:N/...)".
  if (metrics.size() >= 2 && metrics.front() == '(' && metrics.back() == ')') {
    metrics = metrics.substr(1, metrics.size() - 2);
  }
  auto read = ReadMetrics(vector, metrics, kBase, kOther);
  if (!read.ok()) return read.status();
  const auto& m = *read;
  double impact =
      10.41 * (1 - (1 - Weight(kBase, "C", m.at("C"))) * (1 - Weight(kBase, "I", m.at("I"))) *
                       (1 - Weight(kBase, "A", m.at("A"))));
  double exploitability = 20 * Weight(kBase, "AV", m.at("AV")) * Weight(kBase, "AC", m.at("AC")) *
                          Weight(kBase, "Au", m.at("Au"));
  double f = impact == 0 ? 0 : 1.176;
  double raw = (0.6 * impact + 0.4 * exploitability - 1.5) * f;
  // Rounded to one decimal, halves up; a tiny epsilon keeps 4.45 from
  // becoming 4.4 through binary representation.
  return std::max(0.0, std::floor(raw * 10 + 0.5 + 1e-9) / 10);
}

Severity SeverityForScore(double score) {
  if (score >= 9.0) return Severity::kCritical;
  if (score >= 7.0) return Severity::kHigh;
  if (score >= 4.0) return Severity::kMedium;
  if (score > 0.0) return Severity::kLow;
  return Severity::kInfo;
}

}  // namespace sluice::scan
