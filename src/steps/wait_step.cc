#include "steps/wait_step.h"

#include <poll.h>

#include "steps/spec_check.h"

namespace sluice::steps {

void WaitStep::ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                            DiagnosticList* diags) const {
  (void)stage;
  SpecChecker check(step, diags);
  if (!check.RequireSpec()) return;
  check.WarnUnknownKeys(check.spec(), {"duration"}, "Wait step spec");
  if (check.RequireScalar(check.spec(), "duration", "Wait step spec")) {
    check.CheckDuration(check.spec(), "duration");
  }
}

engine::StepOutcome WaitStep::Execute(engine::StepContext& ctx) const {
  auto text = ctx.ResolveString(ctx.node.spec["duration"], "spec.duration");
  if (!text.ok()) return engine::StepOutcome::Error(text.status().message());
  auto duration = ParseDuration(*text);
  if (!duration.ok()) return engine::StepOutcome::Error("spec.duration: " + duration.status().message());
  Millis wait = *duration;
  bool expires = ctx.timeout && *ctx.timeout < wait;
  if (expires) wait = *ctx.timeout;
  ctx.Log("[sluice] waiting " + FormatDuration(*duration));
  auto end = ctx.clock.Steady() + wait;
  while (!ctx.cancel.cancelled()) {
    auto left = std::chrono::duration_cast<Millis>(end - ctx.clock.Steady()).count();
    if (left <= 0) break;
    pollfd p{ctx.cancel.fd(), POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1000)));
  }
  if (ctx.cancel.cancelled()) {
    engine::StepOutcome o;
    o.status = engine::NodeStatus::kAborted;
    o.failure_message = "aborted while waiting";
    return o;
  }
  if (expires) {
    engine::StepOutcome o;
    o.status = engine::NodeStatus::kExpired;
    o.failure_type = pipeline::ErrorType::kTimeout;
    o.failure_message = "timed out after " + FormatDuration(wait) + " of a " +
                        FormatDuration(*duration) + " wait";
    return o;
  }
  return engine::StepOutcome::Success();
}

}  // namespace sluice::steps
