#include "steps/harness_approval_step.h"

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/duration.h"
#include "common/text.h"
#include "engine/approvals.h"
#include "steps/spec_check.h"

namespace sluice::steps {

namespace {

constexpr Millis kDefaultTimeout{24LL * 3600 * 1000};
constexpr char kWhere[] = "HarnessApproval step spec";

bool Truthy(const expr::Value& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) return v.get<std::string>() == "true";
  return false;
}

// The request as the spec asks for it, resolved now.
Result<store::ApprovalRecord> BuildRequest(engine::StepContext& ctx) {
  const YAML::Node& spec = ctx.node.spec;
  store::ApprovalRecord r;
  r.execution_id = ctx.execution_id;
  r.node_path = ctx.node_path;
  r.pipeline_id = ctx.pipeline.identifier;
  SLUICE_ASSIGN_OR_RETURN(r.message,
                          ctx.ResolveString(spec["approvalMessage"], "spec.approvalMessage"));
  SLUICE_ASSIGN_OR_RETURN(expr::Value history, ctx.Resolve(spec["includePipelineExecutionHistory"],
                                                           "spec.includePipelineExecutionHistory"));
  r.include_history = Truthy(history);
  const YAML::Node& approvers = spec["approvers"];
  const YAML::Node& groups = approvers["userGroups"];
  if (groups && groups.IsSequence()) {
    for (size_t i = 0; i < groups.size(); ++i) {
      SLUICE_ASSIGN_OR_RETURN(
          std::string g,
          ctx.ResolveString(groups[i], "spec.approvers.userGroups[" + std::to_string(i) + "]"));
      if (!g.empty()) r.user_groups.push_back(g);
    }
  } else if (groups) {
    // A runtime input or expression that gives a comma-separated list.
    SLUICE_ASSIGN_OR_RETURN(std::string list,
                            ctx.ResolveString(groups, "spec.approvers.userGroups"));
    size_t start = 0;
    while (start <= list.size()) {
      size_t comma = list.find(',', start);
      std::string_view g = TrimAsciiSpace(std::string_view(list).substr(
          start, comma == std::string::npos ? std::string::npos : comma - start));
      if (!g.empty()) r.user_groups.emplace_back(g);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (r.user_groups.empty()) {
    return Status::InvalidArgument("spec.approvers.userGroups names no user group");
  }
  if (approvers["minimumCount"]) {
    SLUICE_ASSIGN_OR_RETURN(std::string count, ctx.ResolveString(approvers["minimumCount"],
                                                                 "spec.approvers.minimumCount"));
    try {
      size_t used = 0;
      r.minimum_count = std::stoi(count, &used);
      if (used != count.size() || r.minimum_count < 1) throw std::invalid_argument(count);
    } catch (const std::exception&) {
      return Status::InvalidArgument(
          "spec.approvers.minimumCount must be a whole number of at "
          "least 1, not \"" +
          count + "\"");
    }
  }
  SLUICE_ASSIGN_OR_RETURN(expr::Value disallow,
                          ctx.Resolve(approvers["disallowPipelineExecutor"],
                                      "spec.approvers.disallowPipelineExecutor"));
  r.disallow_executor = Truthy(disallow);
  const YAML::Node& inputs = spec["approverInputs"];
  if (inputs && inputs.IsSequence()) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      const std::string where = "spec.approverInputs[" + std::to_string(i) + "]";
      std::string name = inputs[i]["name"] ? inputs[i]["name"].as<std::string>("") : "";
      if (name.empty()) return Status::InvalidArgument(where + ".name is required");
      SLUICE_ASSIGN_OR_RETURN(
          std::string value, ctx.ResolveString(inputs[i]["defaultValue"], where + ".defaultValue"));
      r.approver_inputs.push_back({{"name", name}, {"defaultValue", value}});
    }
  }
  YAML::Node executor("<+pipeline.triggeredBy.name>");
  SLUICE_ASSIGN_OR_RETURN(r.executor, ctx.ResolveString(executor, "pipeline.triggeredBy.name"));
  r.status = "Waiting";
  r.requested_ms = ctx.clock.NowMillis();
  r.deadline_ms = r.requested_ms + ctx.node.timeout.value_or(kDefaultTimeout).count();
  return r;
}

// Rejects the older executions of this pipeline still waiting at this step.
void RejectOlderRequests(engine::StepContext& ctx, const store::ApprovalRecord& request) {
  auto waiting = ctx.approvals->ListApprovals("Waiting", 1000);
  if (!waiting.ok()) return;
  for (const store::ApprovalRecord& older : *waiting) {
    if (older.pipeline_id != request.pipeline_id || older.node_path != request.node_path ||
        older.execution_id == request.execution_id) {
      continue;
    }
    store::ApprovalActivityRecord rejection;
    rejection.execution_id = older.execution_id;
    rejection.node_path = older.node_path;
    rejection.user = "sluice";
    rejection.action = "REJECT";
    rejection.comments = "auto-rejected: execution " + request.execution_id +
                         " of the same pipeline now waits at this step (isAutoRejectEnabled)";
    rejection.at_ms = request.requested_ms;
    rejection.source = "sluice";
    auto done = ctx.approvals->AddActivity(
        &rejection,
        [&](const store::ApprovalRecord& current,
            const std::vector<store::ApprovalActivityRecord>& earlier)
            -> Result<store::ApprovalRecord> {
          store::ApprovalRecord now = engine::Decide(current, earlier, request.requested_ms);
          if (now.status != "Waiting") return Status::FailedPrecondition("decided already");
          std::vector<store::ApprovalActivityRecord> all = earlier;
          all.push_back(rejection);
          return engine::Decide(now, all, request.requested_ms);
        });
    if (done.ok())
      ctx.Log("[sluice] auto-rejected the approval of execution " + older.execution_id);
  }
}

std::string Activity(const store::ApprovalActivityRecord& a) {
  std::string line = a.user + (a.action == "APPROVE" ? " approved" : " rejected");
  if (!a.comments.empty()) line += ": " + a.comments;
  return line;
}

}  // namespace

void HarnessApprovalStep::ValidateSpec(const pipeline::ExecutionNode& step,
                                       const pipeline::Stage& stage, DiagnosticList* diags) const {
  (void)stage;
  SpecChecker check(step, diags);
  if (!check.RequireSpec()) return;
  check.WarnUnknownKeys(check.spec(),
                        {"approvalMessage", "includePipelineExecutionHistory", "approvers",
                         "approverInputs", "isAutoRejectEnabled", "callbackId", "autoApproval"},
                        kWhere);
  check.RequireScalar(check.spec(), "approvalMessage", kWhere);
  check.OptionalScalar(check.spec(), "includePipelineExecutionHistory", kWhere);
  check.OptionalScalar(check.spec(), "isAutoRejectEnabled", kWhere);
  const YAML::Node& approvers = check.spec()["approvers"];
  if (!approvers || !approvers.IsMap()) {
    check.Error(approvers ? approvers : check.spec(),
                "HarnessApproval needs approvers: {userGroups: [...], minimumCount: N}");
    return;
  }
  check.WarnUnknownKeys(approvers,
                        {"userGroups", "minimumCount", "disallowPipelineExecutor",
                         "serviceAccounts", "disallowedUserEmails"},
                        "HarnessApproval approvers");
  if (!approvers["userGroups"]) {
    check.Error(approvers,
                "approvers.userGroups is required: the user groups whose members may "
                "approve (.harness/usergroups)");
  }
  check.OptionalScalar(approvers, "minimumCount", "HarnessApproval approvers");
  check.OptionalScalar(approvers, "disallowPipelineExecutor", "HarnessApproval approvers");
  if (check.OptionalSequence(check.spec(), "approverInputs", kWhere)) {
    for (const auto& input : check.spec()["approverInputs"]) {
      if (!input.IsMap() || !input["name"]) {
        check.Error(input, "each approverInputs entry needs a name (and a defaultValue)");
      }
    }
  }
}

engine::StepOutcome HarnessApprovalStep::Execute(engine::StepContext& ctx) const {
  if (ctx.approvals == nullptr) return engine::StepOutcome::Error("no approval store");
  auto existing = ctx.approvals->GetApproval(ctx.execution_id, ctx.node_path);
  if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) {
    return engine::StepOutcome::Error(existing.status().message());
  }
  store::ApprovalRecord approval;
  if (existing.ok()) {
    approval = *std::move(existing);
  } else {
    auto request = BuildRequest(ctx);
    if (!request.ok()) return engine::StepOutcome::Error(request.status().message());
    approval = *std::move(request);
    approval.message = ctx.masker.Mask(approval.message);
    Status put = ctx.approvals->PutApproval(approval);
    if (!put.ok()) return engine::StepOutcome::Error(put.message());
    std::string groups;
    for (const auto& g : approval.user_groups) groups += (groups.empty() ? "" : ", ") + g;
    ctx.Log("[sluice] approval requested: " + approval.message);
    ctx.Log("[sluice] approvers: " + std::to_string(approval.minimum_count) +
            " of the members of " + groups +
            (approval.disallow_executor ? ", not " + approval.executor : std::string()) +
            "; until " + FormatTimestamp(approval.deadline_ms));
    ctx.Log("[sluice] decide with: sluice approve " + ctx.execution_id + " " + ctx.node_path +
            " [--reject] [--comment TEXT]");
    auto auto_reject =
        ctx.Resolve(ctx.node.spec["isAutoRejectEnabled"], "spec.isAutoRejectEnabled");
    if (auto_reject.ok() && Truthy(*auto_reject)) RejectOlderRequests(ctx, approval);
  }
  auto activities = ctx.approvals->Activities(ctx.execution_id, ctx.node_path);
  if (!activities.ok()) return engine::StepOutcome::Error(activities.status().message());
  store::ApprovalRecord now = engine::Decide(approval, *activities, ctx.clock.NowMillis());
  if (now.status != approval.status) {
    Status put = ctx.approvals->PutApproval(now);
    if (!put.ok()) return engine::StepOutcome::Error(put.message());
  }
  engine::StepOutcome outcome;
  if (now.status == "Waiting") {
    outcome.status = engine::NodeStatus::kApprovalWaiting;
    outcome.failure_message = "waiting for approval";
    return outcome;
  }
  for (const auto& a : *activities) ctx.Log("[sluice] " + Activity(a));
  outcome.output = engine::ApprovalOutput(now, *activities);
  if (now.status == "Approved") {
    ctx.Log("[sluice] approved");
    return outcome;
  }
  if (now.status == "Rejected") {
    outcome.status = engine::NodeStatus::kApprovalRejected;
    outcome.failure_type = pipeline::ErrorType::kApprovalRejection;
    std::string why = "the approval was rejected";
    for (const auto& a : *activities) {
      if (a.action == "REJECT")
        why += " by " + a.user + (a.comments.empty() ? "" : ": " + a.comments);
    }
    outcome.failure_message = why;
    return outcome;
  }
  outcome.status = engine::NodeStatus::kExpired;
  outcome.failure_type = pipeline::ErrorType::kTimeout;
  outcome.failure_message =
      "no decision before the approval's deadline (" + FormatTimestamp(now.deadline_ms) + ")";
  return outcome;
}

}  // namespace sluice::steps
