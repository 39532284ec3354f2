#include "engine/approvals.h"

#include <algorithm>

namespace sluice::engine {

namespace {

bool IsApproval(const store::ApprovalActivityRecord& a) { return a.action == "APPROVE"; }
bool IsRejection(const store::ApprovalActivityRecord& a) { return a.action == "REJECT"; }

std::string GroupList(const std::vector<std::string>& groups) {
  std::string out;
  for (const std::string& g : groups) out += (out.empty() ? "" : ", ") + g;
  return out;
}

// Whether `who` is the user who started the execution (by name or email).
bool IsExecutor(const store::ApprovalRecord& approval, const Approver& who) {
  if (approval.executor.empty()) return false;
  return approval.executor == who.name || (!who.email.empty() && approval.executor == who.email);
}

Status CheckInputs(const store::ApprovalRecord& approval,
                   const std::map<std::string, std::string>& inputs) {
  for (const auto& [name, value] : inputs) {
    bool declared = false;
    std::string names;
    for (const auto& input : approval.approver_inputs) {
      std::string declared_name = input.value("name", "");
      declared = declared || declared_name == name;
      names += (names.empty() ? "" : ", ") + declared_name;
    }
    if (!declared) {
      return Status::InvalidArgument(
          "approver input \"" + name + "\" is not one this step asks for" +
          (names.empty() ? std::string(" (it asks for none)") : " (it asks for: " + names + ")"));
    }
  }
  return Status::Ok();
}

}  // namespace

std::string_view GroupIdentifier(std::string_view ref) {
  for (std::string_view scope : {"account.", "org."}) {
    if (ref.starts_with(scope)) return ref.substr(scope.size());
  }
  return ref;
}

store::ApprovalRecord Decide(store::ApprovalRecord approval,
                             const std::vector<store::ApprovalActivityRecord>& activities,
                             int64_t now_ms) {
  if (approval.status != "Waiting") return approval;
  std::set<std::string> approvers;
  for (const auto& a : activities) {
    if (IsRejection(a)) {
      approval.status = "Rejected";
      approval.decided_ms = a.at_ms;
      return approval;
    }
    if (IsApproval(a)) {
      approvers.insert(a.user);
      if (static_cast<int>(approvers.size()) >= std::max(1, approval.minimum_count)) {
        approval.status = "Approved";
        approval.decided_ms = a.at_ms;
        return approval;
      }
    }
  }
  if (approval.deadline_ms > 0 && now_ms >= approval.deadline_ms) {
    approval.status = "Expired";
    approval.decided_ms = approval.deadline_ms;
  }
  return approval;
}

Result<store::ApprovalRecord> ChooseApproval(const store::ApprovalStore& approvals,
                                             const std::string& execution_id,
                                             const std::string& step) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<store::ApprovalRecord> all,
                          approvals.ApprovalsOf(execution_id));
  std::vector<const store::ApprovalRecord*> waiting;
  for (const auto& a : all) {
    if (!step.empty() && a.node_path == step) return a;
    if (a.status == "Waiting") waiting.push_back(&a);
  }
  std::string paths;
  for (const auto* a : waiting) paths += (paths.empty() ? "" : ", ") + a->node_path;
  if (!step.empty()) {
    return Status::NotFound("step " + step + " of execution " + execution_id +
                            " has not asked for an approval" +
                            (waiting.empty() ? std::string() : " (waiting: " + paths + ")"));
  }
  if (waiting.empty()) {
    return Status::FailedPrecondition("execution " + execution_id + " waits for no approval");
  }
  if (waiting.size() > 1) {
    return Status::InvalidArgument("execution " + execution_id + " waits for several approvals (" +
                                   paths + "): name the step");
  }
  return *waiting.front();
}

Result<store::ApprovalRecord> Act(store::ApprovalStore& approvals, const std::string& execution_id,
                                  const std::string& node_path, const Approver& who,
                                  ApprovalAction action, const std::string& comments,
                                  const std::map<std::string, std::string>& inputs,
                                  int64_t now_ms) {
  store::ApprovalActivityRecord activity;
  activity.execution_id = execution_id;
  activity.node_path = node_path;
  activity.user = who.name;
  activity.email = who.email;
  activity.action = action == ApprovalAction::kApprove ? "APPROVE" : "REJECT";
  activity.comments = comments;
  activity.inputs = nlohmann::json::object();
  for (const auto& [name, value] : inputs) activity.inputs[name] = value;
  activity.at_ms = now_ms;
  activity.source = who.source;
  const std::string what = "step " + node_path + " of execution " + execution_id;
  return approvals.AddActivity(
      &activity,
      [&](const store::ApprovalRecord& current,
          const std::vector<store::ApprovalActivityRecord>& earlier)
          -> Result<store::ApprovalRecord> {
        store::ApprovalRecord now = Decide(current, earlier, now_ms);
        if (now.status != "Waiting") {
          return Status::FailedPrecondition("the approval of " + what + " is no longer waiting (" +
                                            now.status + ")");
        }
        bool member = false;
        for (const std::string& group : now.user_groups) {
          member = member || who.groups.contains(std::string(GroupIdentifier(group)));
        }
        if (!member) {
          return Status::PermissionDenied(who.name + " may not act on the approval of " + what +
                                          ": only members of " + GroupList(now.user_groups) +
                                          " may");
        }
        if (now.disallow_executor && IsExecutor(now, who)) {
          return Status::PermissionDenied(
              who.name + " started execution " + execution_id +
              " and this approval does not let the pipeline's executor approve it "
              "(disallowPipelineExecutor)");
        }
        for (const auto& a : earlier) {
          if (a.user == who.name) {
            return Status::PermissionDenied(who.name + " already acted on the approval of " + what);
          }
        }
        SLUICE_RETURN_IF_ERROR(CheckInputs(now, inputs));
        std::vector<store::ApprovalActivityRecord> all = earlier;
        all.push_back(activity);
        return Decide(now, all, now_ms);
      });
}

nlohmann::json ApprovalOutput(const store::ApprovalRecord& approval,
                              const std::vector<store::ApprovalActivityRecord>& activities) {
  nlohmann::json inputs = nlohmann::json::object();
  for (const auto& input : approval.approver_inputs) {
    inputs[input.value("name", "")] = input.value("defaultValue", "");
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : activities) {
    nlohmann::json given = nlohmann::json::array();
    for (const auto& [name, value] : a.inputs.items()) {
      given.push_back({{"name", name}, {"value", value}});
      inputs[name] = value;  // the last approver's value wins
    }
    list.push_back({{"user", {{"name", a.user}, {"email", a.email}}},
                    {"action", a.action},
                    {"approverInputs", given},
                    {"comments", a.comments},
                    {"approvedAt", a.at_ms}});
  }
  return {{"approvalActivities", list}, {"approverInputs", inputs}};
}

}  // namespace sluice::engine
