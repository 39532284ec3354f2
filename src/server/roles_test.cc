// The permission table (roles.h): each role may take exactly the actions
// at or below it.
#include "server/roles.h"

#include <gtest/gtest.h>

#include <set>
#include <string_view>

namespace sluice::server {
namespace {

TEST(RolesTest, RoleNamesRoundTripAndOthersAreRefused) {
  for (Role r : {Role::kViewer, Role::kExecutor, Role::kApprover, Role::kAdmin}) {
    auto parsed = ParseRole(RoleName(r));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, r);
  }
  auto bad = ParseRole("Admin");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "invalid role \"Admin\": use viewer, executor, approver or admin");
}

TEST(RolesTest, ViewerMayOnlyRead) {
  for (Action a : AllActions()) {
    EXPECT_EQ(Allows(Role::kViewer, a), a == Action::kRead) << ActionName(a);
  }
}

TEST(RolesTest, ExecutorMayRunAbortRetryAndResumeButNotApprove) {
  EXPECT_TRUE(Allows(Role::kExecutor, Action::kRead));
  EXPECT_TRUE(Allows(Role::kExecutor, Action::kRun));
  EXPECT_TRUE(Allows(Role::kExecutor, Action::kAbort));
  EXPECT_TRUE(Allows(Role::kExecutor, Action::kRetry));
  EXPECT_TRUE(Allows(Role::kExecutor, Action::kResume));
  EXPECT_FALSE(Allows(Role::kExecutor, Action::kApprove));
  EXPECT_FALSE(Allows(Role::kExecutor, Action::kReject));
  EXPECT_FALSE(Allows(Role::kExecutor, Action::kManageUsers));
}

TEST(RolesTest, ApproverMayApproveAndRejectButNotManage) {
  EXPECT_TRUE(Allows(Role::kApprover, Action::kRun));
  EXPECT_TRUE(Allows(Role::kApprover, Action::kApprove));
  EXPECT_TRUE(Allows(Role::kApprover, Action::kReject));
  EXPECT_FALSE(Allows(Role::kApprover, Action::kManageUsers));
  EXPECT_FALSE(Allows(Role::kApprover, Action::kManageTokens));
  EXPECT_FALSE(Allows(Role::kApprover, Action::kReadAudit));
}

TEST(RolesTest, AdminMayDoEverything) {
  for (Action a : AllActions()) EXPECT_TRUE(Allows(Role::kAdmin, a)) << ActionName(a);
}

TEST(RolesTest, EveryActionHasADistinctName) {
  std::set<std::string_view> names;
  for (Action a : AllActions()) EXPECT_TRUE(names.insert(ActionName(a)).second) << ActionName(a);
  EXPECT_EQ(ActionName(Action::kManageUsers), "users.manage");
  EXPECT_EQ(MinimumRole(Action::kApprove), Role::kApprover);
}

}  // namespace
}  // namespace sluice::server
