// Roles and what each may do: the one table sluice server consults before
// it acts for a user.
//
// Roles are ordered, each including the ones below it:
//   viewer    reads pipelines, executions, logs, artifacts, reports
//   executor  + runs pipelines, aborts, retries and resumes executions
//   approver  + approves and rejects approvals (membership of the groups an
//               approval names is checked where the approval is decided)
//   admin     + manages users and API tokens, reads the audit log: everything
// Anonymous access, when the server enables it, is read-only and never
// reaches an action (auth.h).
//
// The role names are persisted (users.role) and spelled as above.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::server {

enum class Role { kViewer = 0, kExecutor = 1, kApprover = 2, kAdmin = 3 };

// "viewer", "executor", "approver", "admin".
std::string_view RoleName(Role role);
// InvalidArgument naming the four roles for anything else.
Result<Role> ParseRole(std::string_view name);

enum class Action {
  kRead,  // any GET of pipelines, executions, logs, artifacts
  kRun,   // start an execution
  kAbort,
  kRetry,
  kResume,
  kApprove,
  kReject,
  kManageUsers,   // add, change, remove users
  kManageTokens,  // create, list, revoke API tokens
  kReadAudit,     // read the audit log
};

// "read", "run", ... "users.manage": the action's name in the audit log
// and in refusals.
std::string_view ActionName(Action action);

// The least role allowed to take `action`.
Role MinimumRole(Action action);

// Whether `role` may take `action`: role >= MinimumRole(action).
bool Allows(Role role, Action action);

// Every action, in the table's order (for tests and documentation).
std::vector<Action> AllActions();

}  // namespace sluice::server
