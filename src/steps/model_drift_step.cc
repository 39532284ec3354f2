#include "steps/model_drift_step.h"

#include <cstdio>
#include <cstdlib>

#include "common/duration.h"
#include "monitor/drift.h"
#include "steps/spec_check.h"

namespace sluice::steps {

namespace {

constexpr std::string_view kWhere = "ModelDrift step spec";

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// An optional number field; `fallback` when absent or empty.
Result<double> Number(const engine::StepContext& ctx, const YAML::Node& node,
                      const std::string& name, double fallback) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ctx.ResolveString(node, name));
  if (text.empty()) return fallback;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !(v >= 0)) {
    return Status::InvalidArgument(name + ": \"" + text + "\" is not a number >= 0");
  }
  return v;
}

Result<monitor::DriftCheck> BuildCheck(const engine::StepContext& ctx, const YAML::Node& spec,
                                       bool* warn_only) {
  monitor::DriftCheck check;
  SLUICE_ASSIGN_OR_RETURN(check.function, ctx.ResolveString(spec["function"], "spec.function"));
  if (check.function.empty()) return Status::InvalidArgument("spec.function is empty");
  SLUICE_ASSIGN_OR_RETURN(check.qualifier, ctx.ResolveString(spec["qualifier"], "spec.qualifier"));
  SLUICE_ASSIGN_OR_RETURN(check.model, ctx.ResolveString(spec["name"], "spec.name"));
  if (check.model.empty()) check.model = check.function;

  SLUICE_ASSIGN_OR_RETURN(std::string baseline,
                          ctx.ResolveString(spec["baseline"], "spec.baseline"));
  SLUICE_ASSIGN_OR_RETURN(std::string model, ctx.ResolveString(spec["model"], "spec.model"));
  std::filesystem::path file;
  if (!baseline.empty()) {
    file = ctx.workspace.ToHost(baseline);
  } else if (!model.empty()) {
    file = monitor::DriftBaselinePathFor(ctx.workspace.ToHost(model));
  } else {
    return Status::InvalidArgument(
        "give spec.model (the model file; its training distribution is read from "
        "<model>.drift.json beside it) or spec.baseline");
  }
  auto loaded = monitor::LoadDriftBaseline(file);
  if (!loaded.ok()) {
    return Status(loaded.status().code(),
                  loaded.status().message() +
                      (loaded.status().code() == StatusCode::kIoError && baseline.empty()
                           ? " (the model's training step writes it; retrain with a version "
                             "that does)"
                           : ""));
  }
  check.baseline = std::move(*loaded);

  SLUICE_ASSIGN_OR_RETURN(std::string window, ctx.ResolveString(spec["window"], "spec.window"));
  if (!window.empty()) {
    auto ms = ParseDuration(window);
    if (!ms.ok()) return Status::InvalidArgument("spec.window: " + ms.status().message());
    check.window_ms = ms->count();
  }
  SLUICE_ASSIGN_OR_RETURN(double max_samples,
                          Number(ctx, spec["maxSamples"], "spec.maxSamples", check.max_samples));
  SLUICE_ASSIGN_OR_RETURN(double min_samples, Number(ctx, spec["minSamples"], "spec.minSamples",
                                                     check.options.min_samples));
  check.max_samples = static_cast<int>(max_samples);
  check.options.min_samples = static_cast<int>(min_samples);
  const YAML::Node t = spec["thresholds"];
  SLUICE_ASSIGN_OR_RETURN(
      check.options.warn_psi,
      Number(ctx, t ? t["warn"] : YAML::Node(), "spec.thresholds.warn", check.options.warn_psi));
  SLUICE_ASSIGN_OR_RETURN(
      check.options.drift_psi,
      Number(ctx, t ? t["drift"] : YAML::Node(), "spec.thresholds.drift", check.options.drift_psi));
  SLUICE_ASSIGN_OR_RETURN(
      check.options.max_rate_shift,
      Number(ctx, t ? t["approvalRateShift"] : YAML::Node(), "spec.thresholds.approvalRateShift",
             check.options.max_rate_shift));
  SLUICE_ASSIGN_OR_RETURN(std::string on_drift, ctx.ResolveString(spec["onDrift"], "spec.onDrift"));
  if (!on_drift.empty() && on_drift != "Fail" && on_drift != "Warn") {
    return Status::InvalidArgument("spec.onDrift: \"" + on_drift + "\" must be Fail or Warn");
  }
  *warn_only = on_drift == "Warn";
  return check;
}

}  // namespace

void ModelDriftStep::ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                                  DiagnosticList* diags) const {
  (void)stage;
  SpecChecker check(step, diags);
  if (!check.RequireSpec()) return;
  const YAML::Node& spec = check.spec();
  check.WarnUnknownKeys(spec,
                        {"function", "qualifier", "model", "baseline", "name", "window",
                         "maxSamples", "minSamples", "thresholds", "onDrift"},
                        kWhere);
  check.RequireScalar(spec, "function", kWhere);
  for (const char* key :
       {"qualifier", "model", "baseline", "name", "window", "maxSamples", "minSamples"}) {
    check.OptionalScalar(spec, key, kWhere);
  }
  if (!spec["model"] && !spec["baseline"]) {
    check.Error(spec,
                "ModelDrift needs spec.model (the model file, with <model>.drift.json "
                "beside it) or spec.baseline");
  }
  if (spec["window"]) check.CheckDuration(spec, "window");
  check.CheckOneOf(spec, "onDrift", {"Fail", "Warn"}, kWhere);
  if (check.OptionalMapping(spec, "thresholds", kWhere) && spec["thresholds"]) {
    check.WarnUnknownKeys(spec["thresholds"], {"warn", "drift", "approvalRateShift"},
                          "ModelDrift spec.thresholds");
  }
}

engine::StepOutcome ModelDriftStep::Execute(engine::StepContext& ctx) const {
  if (ctx.functions == nullptr) {
    return engine::StepOutcome::Error("ModelDrift needs the function store; none is open here");
  }
  bool warn_only = false;
  auto check = BuildCheck(ctx, ctx.node.spec, &warn_only);
  if (!check.ok()) return engine::StepOutcome::Error(check.status().message());
  auto report = monitor::CheckDrift(*check, *ctx.functions, ctx.clock);
  if (!report.ok()) {
    return engine::StepOutcome::Failure(pipeline::ErrorType::kUnknown, report.status().message());
  }
  const monitor::DriftReport& r = *report;
  engine::StepOutcome out;
  out.outputs["drifted"] = r.drifted ? "true" : "false";
  out.outputs["status"] = r.status;
  out.outputs["max_psi"] = Fixed(r.max_psi, 4);
  out.outputs["approval_rate_shift"] = Fixed(r.rate_shift, 4);
  out.outputs["samples"] = std::to_string(r.samples);
  ctx.Log("[sluice] " + std::to_string(r.samples) + " invocations of " + r.function + ":" +
          r.qualifier + " (" + std::to_string(r.skipped) + " unreadable records skipped)");
  for (const monitor::FeatureDrift& f : r.features) {
    if (f.status != "insufficient_data") out.outputs["psi_" + f.name] = Fixed(f.psi, 4);
    ctx.Log("[sluice]   " + f.name + ": PSI " + Fixed(f.psi, 4) + " (" + f.status + ", " +
            std::to_string(f.samples) + " values)");
  }
  ctx.Log("[sluice]   approval rate " + Fixed(r.recent_rate, 4) + " vs " +
          Fixed(r.training_rate, 4) + " in training (shift " + Fixed(r.rate_shift, 4) + ")");
  nlohmann::json result = monitor::DriftJson(r);
  out.details["drift"] = result;
  out.output["psi"] = result["features"];
  if (ctx.monitor != nullptr) {
    if (Status s = monitor::RecordDrift(*ctx.monitor, r, ctx.execution_id); !s.ok()) {
      out.warnings.push_back("the check's result was not kept for /metrics: " + s.message());
    }
  }
  const std::string summary = r.function + ": drift status " + r.status + ", largest PSI " +
                              Fixed(r.max_psi, 4) + ", approval rate shift " +
                              Fixed(r.rate_shift, 4);
  if (r.status == "insufficient_data") {
    out.warnings.push_back(r.function + ": too few invocations (" + std::to_string(r.samples) +
                           ", minSamples " + std::to_string(check->options.min_samples) +
                           ") to judge drift");
  } else if (r.drifted && !warn_only) {
    out.status = engine::NodeStatus::kFailed;
    out.failure_type = pipeline::ErrorType::kVerification;
    out.failure_message = summary;
  } else if (r.status != "ok") {
    out.warnings.push_back(summary);
  }
  return out;
}

}  // namespace sluice::steps
