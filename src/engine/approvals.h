// The rules of a HarnessApproval (harness-semantics §2.12), shared by the
// step that waits, `sluice approve` and the server:
//
// Who may act: a member of one of the approval's user groups ("account."
// and "org." prefixes name the same group: a project here has one scope);
// not the user who started the execution when disallowPipelineExecutor is
// set; each user once; only while the approval waits and before its
// deadline. Approver inputs must be ones the step declared.
//
// The decision: one rejection rejects; `minimum_count` distinct approvers
// approve; otherwise, once the deadline has passed, it has expired; else
// it waits.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/approval_store.h"

namespace sluice::engine {

struct Approver {
  std::string name;
  std::string email;             // "" when unknown
  std::set<std::string> groups;  // identifiers of the user groups they belong to
  std::string source;            // "cli:<os user>" or the client's address
};

enum class ApprovalAction { kApprove, kReject };

// "account.ml_leads" -> "ml_leads".
std::string_view GroupIdentifier(std::string_view ref);

// The approval as it stands at `now_ms` given its activities (status and
// decided_ms updated; a decided approval stays decided).
store::ApprovalRecord Decide(store::ApprovalRecord approval,
                             const std::vector<store::ApprovalActivityRecord>& activities,
                             int64_t now_ms);

// The approval of execution `execution_id` at `step`, or, with `step`
// empty, the only one it waits for. NotFound: that step asked for none;
// FailedPrecondition: it waits for none; InvalidArgument: it waits for
// several and `step` must say which (the message lists them).
Result<store::ApprovalRecord> ChooseApproval(const store::ApprovalStore& approvals,
                                             const std::string& execution_id,
                                             const std::string& step);

// Records `who`'s action on the approval of (`execution_id`, `node_path`)
// when the rules allow it, in one transaction, and returns the approval as
// it then stands. NotFound: no such approval; FailedPrecondition: it is
// not waiting (decided or expired); PermissionDenied: `who` may not act
// (names the rule); InvalidArgument: an undeclared approver input.
Result<store::ApprovalRecord> Act(store::ApprovalStore& approvals, const std::string& execution_id,
                                  const std::string& node_path, const Approver& who,
                                  ApprovalAction action, const std::string& comments,
                                  const std::map<std::string, std::string>& inputs, int64_t now_ms);

// What a decided approval gives its step's output: "approvalActivities"
// ([{user: {name, email}, action, approverInputs: [{name, value}],
// comments, approvedAt}]) and "approverInputs" ({name: value}: the last
// approver's values, the declared defaults for the rest).
nlohmann::json ApprovalOutput(const store::ApprovalRecord& approval,
                              const std::vector<store::ApprovalActivityRecord>& activities);

}  // namespace sluice::engine
