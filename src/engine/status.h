// Execution statuses and how a parent's status rolls up from its children
// (harness-semantics §10). The names returned by StatusName are persisted in
// the store and printed by the CLI; ExpressionName gives the upper-case form
// expressions compare against (`<+pipeline.stages.s.status> == "SUCCEEDED"`).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace sluice::engine {

enum class NodeStatus {
  kNotStarted,
  kRunning,
  kWaitStepRunning,
  kInterventionWaiting,
  kApprovalWaiting,
  kSuccess,
  kIgnoreFailed,
  kSkipped,
  kSuspended,
  kFailed,
  kErrored,
  kExpired,
  kAborted,
  kApprovalRejected,
};

std::string_view StatusName(NodeStatus s);                     // "Success", "IgnoreFailed", ...
std::optional<NodeStatus> ParseStatus(std::string_view name);  // inverse of StatusName
std::string_view ExpressionName(NodeStatus s);                 // "SUCCEEDED", "IGNORE_FAILED", ...

// Finished and will not change again.
bool IsTerminal(NodeStatus s);
// Counts as success for `when` checks and roll-up: Success, IgnoreFailed,
// Skipped, Suspended.
bool IsPositive(NodeStatus s);
// Failure, Errored, Expired, Aborted, ApprovalRejected.
bool IsNegative(NodeStatus s);

// The roll-up of §10.2 over the statuses of finished children: all positive
// → IgnoreFailed if any child is IgnoreFailed, else Success; otherwise the
// highest-priority status present (Aborted > Errored > Failed >
// ApprovalRejected > Expired > waiting states > running). Empty → Success.
NodeStatus RollUp(const std::vector<NodeStatus>& children);

}  // namespace sluice::engine
