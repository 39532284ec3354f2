#include "monitor/drift.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace sluice::monitor {

namespace {

using nlohmann::json;

std::optional<double> NumberOf(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(d)) return d;
  }
  return std::nullopt;
}

std::optional<int> PredictionOf(const json& output) {
  if (!output.is_object()) return std::nullopt;
  if (output.contains("prediction")) {
    auto v = NumberOf(output["prediction"]);
    if (v && (*v == 0 || *v == 1)) return static_cast<int>(*v);
    return std::nullopt;
  }
  // A Lambda proxy answer: {"statusCode": 200, "body": "{\"prediction\": 1}"}.
  if (output.contains("body") && output["body"].is_string()) {
    return PredictionOf(json::parse(output["body"].get<std::string>(), nullptr, false));
  }
  return std::nullopt;
}

std::string Level(double psi, const DriftOptions& o) {
  if (psi >= o.drift_psi) return "drift";
  if (psi >= o.warn_psi) return "warn";
  return "ok";
}

}  // namespace

double Psi(const std::vector<double>& expected, const std::vector<double>& actual, double floor) {
  double psi = 0;
  for (size_t i = 0; i < expected.size() && i < actual.size(); ++i) {
    const double e = std::max(expected[i], floor);
    const double a = std::max(actual[i], floor);
    psi += (a - e) * std::log(a / e);
  }
  return psi;
}

std::optional<Observation> ObservationOf(const store::InvocationRecord& record) {
  if (record.status != 200 || !record.error_type.empty()) return std::nullopt;
  Observation o;
  json input = json::parse(record.input, nullptr, false);
  // A function URL's record holds the body; an Invoke's may wrap it.
  if (input.is_object() && input.contains("body") && input["body"].is_string()) {
    json body = json::parse(input["body"].get<std::string>(), nullptr, false);
    if (body.is_object()) input = std::move(body);
  }
  if (input.is_object()) o.features = std::move(input);
  o.prediction = PredictionOf(json::parse(record.output, nullptr, false));
  if (o.features.empty() && !o.prediction) return std::nullopt;
  return o;
}

DriftReport AssessDrift(const DriftBaseline& baseline, const std::vector<Observation>& observations,
                        int64_t skipped, const DriftOptions& options) {
  DriftReport r;
  r.options = options;
  r.samples = static_cast<int64_t>(observations.size());
  r.skipped = skipped;
  r.training_rate = baseline.positive_rate;
  bool any_judged = false;
  for (const FeatureBaseline& fb : baseline.features) {
    std::vector<double> counts(fb.bin_count(), 0);
    int64_t n = 0;
    for (const Observation& o : observations) {
      if (!o.features.contains(fb.name)) continue;
      auto v = NumberOf(o.features[fb.name]);
      if (!v) continue;
      counts[fb.BinOf(*v)] += 1;
      ++n;
    }
    FeatureDrift fd;
    fd.name = fb.name;
    fd.samples = n;
    if (n >= options.min_samples && n > 0) {
      for (double& c : counts) c /= static_cast<double>(n);
      fd.psi = Psi(fb.ExpectedShares(), counts, options.floor);
      fd.status = Level(fd.psi, options);
      r.max_psi = std::max(r.max_psi, fd.psi);
      any_judged = true;
    } else {
      fd.status = "insufficient_data";
    }
    r.features.push_back(std::move(fd));
  }
  int64_t predicted = 0, approved = 0;
  for (const Observation& o : observations) {
    if (!o.prediction) continue;
    ++predicted;
    approved += *o.prediction;
  }
  const bool rate_judged = predicted >= options.min_samples && predicted > 0;
  if (rate_judged) {
    r.recent_rate = static_cast<double>(approved) / static_cast<double>(predicted);
    r.rate_shift = r.recent_rate - r.training_rate;
  }
  if (!any_judged && !rate_judged) {
    r.status = "insufficient_data";
    return r;
  }
  const bool rate_drift = rate_judged && std::fabs(r.rate_shift) > options.max_rate_shift;
  r.status = Level(r.max_psi, options);
  if (rate_drift) r.status = "drift";
  r.drifted = r.status == "drift";
  return r;
}

Result<DriftReport> CheckDrift(const DriftCheck& check, const store::FunctionStore& functions,
                               const Clock& clock) {
  const DriftOptions& o = check.options;
  if (!(o.warn_psi > 0 && o.drift_psi >= o.warn_psi)) {
    return Status::InvalidArgument("thresholds: need 0 < warn <= drift, got warn " +
                                   std::to_string(o.warn_psi) + " and drift " +
                                   std::to_string(o.drift_psi));
  }
  SLUICE_RETURN_IF_ERROR(functions.GetFunction(check.function).status());
  const int64_t now = clock.NowMillis();
  const int64_t since = check.window_ms > 0 ? now - check.window_ms : INT64_MIN;
  std::vector<Observation> observations;
  int64_t skipped = 0;
  int64_t before = 0;
  bool done = false;
  constexpr int kPage = 1000;
  while (!done && static_cast<int>(observations.size()) < check.max_samples) {
    SLUICE_ASSIGN_OR_RETURN(std::vector<store::InvocationRecord> page,
                            functions.ListInvocations(check.function, kPage, before));
    if (page.empty()) break;
    for (const store::InvocationRecord& rec : page) {
      before = rec.id;
      if (rec.started_ms < since) {
        done = true;
        break;
      }
      if (!check.qualifier.empty() && rec.qualifier != check.qualifier) continue;
      if (rec.status != 200 || !rec.error_type.empty()) continue;  // no answer to judge
      auto obs = ObservationOf(rec);
      if (!obs) {
        ++skipped;
        continue;
      }
      observations.push_back(std::move(*obs));
      if (static_cast<int>(observations.size()) >= check.max_samples) break;
    }
    if (static_cast<int>(page.size()) < kPage) break;
  }
  DriftReport r = AssessDrift(check.baseline, observations, skipped, o);
  r.model = check.model;
  r.function = check.function;
  r.qualifier = check.qualifier.empty() ? "*" : check.qualifier;
  r.checked_ms = now;
  return r;
}

json DriftJson(const DriftReport& r) {
  json features = json::object();
  for (const FeatureDrift& f : r.features) {
    features[f.name] = {{"psi", f.psi}, {"status", f.status}, {"samples", f.samples}};
  }
  return {{"model", r.model},
          {"function", r.function},
          {"qualifier", r.qualifier},
          {"status", r.status},
          {"drifted", r.drifted},
          {"samples", r.samples},
          {"skipped", r.skipped},
          {"max_psi", r.max_psi},
          {"thresholds",
           {{"warn", r.options.warn_psi},
            {"drift", r.options.drift_psi},
            {"approval_rate_shift", r.options.max_rate_shift}}},
          {"features", std::move(features)},
          {"approval_rate",
           {{"training", r.training_rate}, {"recent", r.recent_rate}, {"shift", r.rate_shift}}}};
}

Status RecordDrift(store::MonitorStore& monitor, const DriftReport& report,
                   const std::string& execution_id) {
  return monitor.PutCheck({std::string(kDriftCheckKind), report.model, DriftJson(report),
                           execution_id, report.checked_ms});
}

}  // namespace sluice::monitor
