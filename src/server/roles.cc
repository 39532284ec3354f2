#include "server/roles.h"

#include <string>

namespace sluice::server {

namespace {

struct Permission {
  Action action;
  std::string_view name;
  Role minimum;
};

// The permission table. Keep it in the order of the Action enum.
constexpr Permission kPermissions[] = {
    {Action::kRead, "read", Role::kViewer},
    {Action::kRun, "run", Role::kExecutor},
    {Action::kAbort, "abort", Role::kExecutor},
    {Action::kRetry, "retry", Role::kExecutor},
    {Action::kResume, "resume", Role::kExecutor},
    {Action::kApprove, "approve", Role::kApprover},
    {Action::kReject, "reject", Role::kApprover},
    {Action::kManageUsers, "users.manage", Role::kAdmin},
    {Action::kManageTokens, "tokens.manage", Role::kAdmin},
    {Action::kReadAudit, "audit.read", Role::kAdmin},
};

const Permission& PermissionOf(Action action) { return kPermissions[static_cast<int>(action)]; }

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kExecutor:
      return "executor";
    case Role::kApprover:
      return "approver";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kViewer, Role::kExecutor, Role::kApprover, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return Status::InvalidArgument("invalid role \"" + std::string(name) +
                                 "\": use viewer, executor, approver or admin");
}

std::string_view ActionName(Action action) { return PermissionOf(action).name; }

Role MinimumRole(Action action) { return PermissionOf(action).minimum; }

bool Allows(Role role, Action action) {
  return static_cast<int>(role) >= static_cast<int>(MinimumRole(action));
}

std::vector<Action> AllActions() {
  std::vector<Action> all;
  for (const Permission& p : kPermissions) all.push_back(p.action);
  return all;
}

}  // namespace sluice::server
