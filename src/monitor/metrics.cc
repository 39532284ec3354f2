#include "monitor/metrics.h"

#include <cmath>

#include "monitor/drift.h"
#include "monitor/staleness.h"

namespace sluice::monitor {

namespace {

using nlohmann::json;

double Number(const json& j, const char* key, double fallback = NAN) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}

double Flag(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_boolean() && j[key].get<bool>() ? 1 : 0;
}

void WriteExecutions(const store::ExecutionStats& stats, ExpositionWriter& out) {
  out.Family("sluice_executions", "Executions in the state database, by pipeline and status.",
             "gauge");
  for (const store::ExecutionCount& c : stats.counts) {
    out.Sample("sluice_executions", {{"pipeline", c.pipeline_id}, {"status", c.status}},
               static_cast<double>(c.count));
  }
  out.Family("sluice_execution_duration_seconds",
             "Duration of finished executions, from start to end, by pipeline.", "histogram");
  for (const store::ExecutionDurations& d : stats.durations) {
    std::vector<double> cumulative(d.at_most.begin(), d.at_most.end());
    out.Histogram("sluice_execution_duration_seconds", {{"pipeline", d.pipeline_id}},
                  ExecutionDurationBounds(), cumulative, static_cast<double>(d.count),
                  static_cast<double>(d.sum_ms) / 1000.0);
  }
}

void WriteChecks(const std::vector<store::MonitorCheckRecord>& checks, ExpositionWriter& out) {
  std::vector<const store::MonitorCheckRecord*> staleness, drift;
  for (const auto& c : checks) {
    if (c.kind == kStalenessCheckKind) staleness.push_back(&c);
    if (c.kind == kDriftCheckKind) drift.push_back(&c);
  }
  struct Gauge {
    const char* name;
    const char* help;
    double (*value)(const json&);
  };
  const Gauge staleness_gauges[] = {
      {"sluice_model_stale", "1 when the model's source is older than allowed (latest check).",
       [](const json& r) { return Flag(r, "model_stale"); }},
      {"sluice_model_age_days", "Days since the model's source last changed (latest check).",
       [](const json& r) { return Number(r, "age_days"); }},
      {"sluice_model_last_updated_timestamp_seconds",
       "When the model's source last changed, Unix seconds (latest check).",
       [](const json& r) { return Number(r, "last_updated_ms") / 1000.0; }},
  };
  for (const Gauge& g : staleness_gauges) {
    out.Family(g.name, g.help, "gauge");
    for (const auto* c : staleness) out.Sample(g.name, {{"model", c->subject}}, g.value(c->result));
  }
  out.Family("sluice_model_serving_age_days",
             "Days since the serving function version was made (latest staleness check).", "gauge");
  for (const auto* c : staleness) {
    if (c->result.contains("serving")) {
      out.Sample("sluice_model_serving_age_days", {{"model", c->subject}},
                 Number(c->result["serving"], "age_days"));
    }
  }
  const Gauge drift_gauges[] = {
      {"sluice_model_drifted", "1 when the latest drift check found drift.",
       [](const json& r) { return Flag(r, "drifted"); }},
      {"sluice_model_drift_psi_max", "The largest feature PSI of the latest drift check.",
       [](const json& r) { return Number(r, "max_psi"); }},
      {"sluice_model_approval_rate_shift",
       "Recent share of approvals minus the training share (latest drift check).",
       [](const json& r) {
         return r.contains("approval_rate") ? Number(r["approval_rate"], "shift") : NAN;
       }},
      {"sluice_model_drift_samples", "Invocation records the latest drift check used.",
       [](const json& r) { return Number(r, "samples"); }},
  };
  for (const Gauge& g : drift_gauges) {
    out.Family(g.name, g.help, "gauge");
    for (const auto* c : drift) out.Sample(g.name, {{"model", c->subject}}, g.value(c->result));
  }
  out.Family("sluice_model_drift_psi",
             "Population stability index of each feature against its training distribution "
             "(latest drift check).",
             "gauge");
  for (const auto* c : drift) {
    if (!c->result.contains("features") || !c->result["features"].is_object()) continue;
    for (const auto& [feature, f] : c->result["features"].items()) {
      if (f.value("status", "") == "insufficient_data") continue;
      out.Sample("sluice_model_drift_psi", {{"model", c->subject}, {"feature", feature}},
                 Number(f, "psi"));
    }
  }
  out.Family("sluice_model_check_timestamp_seconds",
             "When the latest check of each kind ran for a model, Unix seconds.", "gauge");
  for (const auto& c : checks) {
    out.Sample("sluice_model_check_timestamp_seconds", {{"kind", c.kind}, {"model", c.subject}},
               static_cast<double>(c.checked_ms) / 1000.0);
  }
}

void WriteAlerts(const std::vector<store::AlertStateRecord>& alerts, ExpositionWriter& out) {
  out.Family("sluice_alert_firing", "1 while an alert rule's condition holds (.harness/alerts).",
             "gauge");
  for (const auto& a : alerts) out.Sample("sluice_alert_firing", {{"alert", a.alert}}, a.firing);
  out.Family("sluice_alert_episodes", "How many times an alert rule has started firing.", "gauge");
  for (const auto& a : alerts) {
    out.Sample("sluice_alert_episodes", {{"alert", a.alert}}, static_cast<double>(a.episode));
  }
}

}  // namespace

const std::vector<double>& ExecutionDurationBounds() {
  static const std::vector<double> bounds = {1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200};
  return bounds;
}

Result<std::string> BuildMetrics(const store::MonitorStore& monitor,
                                 const InvocationMetrics* invocations) {
  std::vector<int64_t> bounds_ms;
  for (double s : ExecutionDurationBounds()) bounds_ms.push_back(static_cast<int64_t>(s * 1000));
  SLUICE_ASSIGN_OR_RETURN(store::ExecutionStats stats, monitor.GetExecutionStats(bounds_ms));
  SLUICE_ASSIGN_OR_RETURN(std::vector<store::MonitorCheckRecord> checks, monitor.ListChecks());
  SLUICE_ASSIGN_OR_RETURN(std::vector<store::AlertStateRecord> alerts, monitor.ListAlertStates());
  ExpositionWriter out;
  if (invocations != nullptr) {
    invocations->WriteTo(out);
  } else {
    InvocationMetrics().WriteTo(out);  // the families, with no samples
  }
  WriteExecutions(stats, out);
  WriteChecks(checks, out);
  WriteAlerts(alerts, out);
  return out.text();
}

}  // namespace sluice::monitor
