#include "engine/status.h"

#include <algorithm>

namespace sluice::engine {
namespace {

struct Names {
  NodeStatus status;
  std::string_view name;
  std::string_view expression;
};

constexpr Names kNames[] = {
    {NodeStatus::kNotStarted, "NotStarted", "NOT_STARTED"},
    {NodeStatus::kRunning, "Running", "RUNNING"},
    {NodeStatus::kWaitStepRunning, "WaitStepRunning", "WAIT_STEP_RUNNING"},
    {NodeStatus::kInterventionWaiting, "InterventionWaiting", "INTERVENTION_WAITING"},
    {NodeStatus::kApprovalWaiting, "ApprovalWaiting", "APPROVAL_WAITING"},
    {NodeStatus::kSuccess, "Success", "SUCCEEDED"},
    {NodeStatus::kIgnoreFailed, "IgnoreFailed", "IGNORE_FAILED"},
    {NodeStatus::kSkipped, "Skipped", "SKIPPED"},
    {NodeStatus::kSuspended, "Suspended", "SUSPENDED"},
    {NodeStatus::kFailed, "Failed", "FAILED"},
    {NodeStatus::kErrored, "Errored", "ERRORED"},
    {NodeStatus::kExpired, "Expired", "EXPIRED"},
    {NodeStatus::kAborted, "Aborted", "ABORTED"},
    {NodeStatus::kApprovalRejected, "ApprovalRejected", "APPROVAL_REJECTED"},
};

// Higher wins when children are not all positive.
int Priority(NodeStatus s) {
  switch (s) {
    case NodeStatus::kAborted: return 100;
    case NodeStatus::kErrored: return 90;
    case NodeStatus::kFailed: return 80;
    case NodeStatus::kApprovalRejected: return 70;
    case NodeStatus::kExpired: return 60;
    case NodeStatus::kInterventionWaiting: return 50;
    case NodeStatus::kApprovalWaiting: return 40;
    case NodeStatus::kWaitStepRunning: return 30;
    case NodeStatus::kRunning: return 20;
    case NodeStatus::kNotStarted: return 10;
    default: return 0;
  }
}

}  // namespace

std::string_view StatusName(NodeStatus s) {
  for (const Names& n : kNames) {
    if (n.status == s) return n.name;
  }
  return "Unknown";
}

std::optional<NodeStatus> ParseStatus(std::string_view name) {
  for (const Names& n : kNames) {
    if (n.name == name) return n.status;
  }
  return std::nullopt;
}

std::string_view ExpressionName(NodeStatus s) {
  for (const Names& n : kNames) {
    if (n.status == s) return n.expression;
  }
  return "UNKNOWN";
}

bool IsTerminal(NodeStatus s) {
  return IsPositive(s) || IsNegative(s);
}

bool IsPositive(NodeStatus s) {
  return s == NodeStatus::kSuccess || s == NodeStatus::kIgnoreFailed || s == NodeStatus::kSkipped ||
         s == NodeStatus::kSuspended;
}

bool IsNegative(NodeStatus s) {
  return s == NodeStatus::kFailed || s == NodeStatus::kErrored || s == NodeStatus::kExpired ||
         s == NodeStatus::kAborted || s == NodeStatus::kApprovalRejected;
}

NodeStatus RollUp(const std::vector<NodeStatus>& children) {
  bool all_positive = std::all_of(children.begin(), children.end(), IsPositive);
  if (all_positive) {
    bool ignored = std::any_of(children.begin(), children.end(),
                               [](NodeStatus s) { return s == NodeStatus::kIgnoreFailed; });
    return ignored ? NodeStatus::kIgnoreFailed : NodeStatus::kSuccess;
  }
  NodeStatus best = NodeStatus::kSuccess;
  int best_priority = -1;
  for (NodeStatus s : children) {
    if (IsPositive(s)) continue;
    if (Priority(s) > best_priority) {
      best = s;
      best_priority = Priority(s);
    }
  }
  return best;
}

}  // namespace sluice::engine
