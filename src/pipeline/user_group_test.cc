// User groups (.harness/usergroups/*.yaml): what is read, how membership is
// matched, and where malformed groups are reported.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "common/files.h"
#include "pipeline/project.h"

namespace sluice::pipeline {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kApprovers = R"(userGroup:
  identifier: model_approvers
  name: Model approvers
  description: who may release a model
  tags:
    team: ml
  orgIdentifier: default
  projectIdentifier: mlops
  users:
    - alice
    - Bob@Example.com
  notificationConfigs: []
  externallyManaged: false
)";

constexpr std::string_view kPipeline = R"(pipeline:
  identifier: p
  name: p
  stages:
    - stage:
        identifier: s
        name: s
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  identifier: w
                  name: w
                  type: Wait
                  spec:
                    duration: 1s
)";

class UserGroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-usergroups-");
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(*dir));
    Write(".harness/pipelines/p.yaml", kPipeline);
  }
  void Write(const std::string& rel, std::string_view text) {
    ASSERT_TRUE(MakeDirs((dir_->path() / rel).parent_path()).ok());
    ASSERT_TRUE(WriteFileAtomic(dir_->path() / rel, text).ok());
  }
  Project Load(DiagnosticList* diags) {
    auto project = LoadProject(dir_->path(), diags);
    EXPECT_TRUE(project.ok());
    return project.ok() ? std::move(*project) : Project();
  }
  std::string LoadDiags() {
    DiagnosticList diags;
    Project p = Load(&diags);
    return FormatDiagnostics(diags, p);
  }

  std::optional<TempDir> dir_;
};

TEST_F(UserGroupTest, LoadsEveryFieldOfAGroup) {
  Write(".harness/usergroups/approvers.yaml", kApprovers);
  DiagnosticList diags;
  Project p = Load(&diags);
  EXPECT_TRUE(diags.empty()) << FormatDiagnostics(diags, p);
  const UserGroup* g = p.FindUserGroup("model_approvers");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->name, "Model approvers");
  EXPECT_EQ(g->description, "who may release a model");
  EXPECT_EQ(g->tags.at("team"), "ml");
  EXPECT_EQ(g->org_identifier, "default");
  EXPECT_EQ(g->project_identifier, "mlops");
  EXPECT_EQ(g->users, (std::vector<std::string>{"alice", "Bob@Example.com"}));
  EXPECT_EQ(g->file, ".harness/usergroups/approvers.yaml");
  EXPECT_EQ(g->location.ToString(), ".harness/usergroups/approvers.yaml:2:3");
  EXPECT_EQ(p.FindUserGroup("nope"), nullptr);
}

TEST_F(UserGroupTest, MembersMatchByUserNameOrEmailIgnoringTheEmailsCase) {
  UserGroup g;
  g.users = {"alice", "Bob@Example.com"};
  EXPECT_TRUE(g.HasMember("alice", ""));
  EXPECT_TRUE(g.HasMember("robert", "bob@example.com"));
  EXPECT_FALSE(g.HasMember("Alice", ""));  // names are exact
  EXPECT_FALSE(g.HasMember("carol", "carol@example.com"));
  EXPECT_FALSE(g.HasMember("", ""));
}

TEST_F(UserGroupTest, NameDefaultsToTheIdentifier) {
  Write(".harness/usergroups/ops.yaml", "userGroup:\n  identifier: ops\n  users: [carol]\n");
  DiagnosticList diags;
  Project p = Load(&diags);
  ASSERT_NE(p.FindUserGroup("ops"), nullptr);
  EXPECT_EQ(p.FindUserGroup("ops")->name, "ops");
}

TEST_F(UserGroupTest, ReportsMalformedGroupsAtTheirLocation) {
  Write(".harness/usergroups/a.yaml", "userGroup:\n  name: no id\n  users: [x]\n");
  Write(".harness/usergroups/b.yaml",
        "userGroup:\n  identifier: b\n  users:\n    - {name: x}\n    - ''\n    - dan\n    - dan\n"
        "  roles: [admin]\n");
  Write(".harness/usergroups/c.yaml", "userGroup:\n  identifier: c\n  users: alice\n");
  Write(".harness/usergroups/d.yaml", "group:\n  identifier: d\n");
  const std::string out = LoadDiags();
  EXPECT_THAT(out, HasSubstr(".harness/usergroups/a.yaml:2:3: error: userGroup is missing "
                             "required field \"identifier\""));
  EXPECT_THAT(out, HasSubstr(".harness/usergroups/b.yaml:4:7: error: elements of \"users\" must "
                             "be user names or e-mail addresses, not a mapping"));
  EXPECT_THAT(out, HasSubstr(".harness/usergroups/b.yaml:5:7: error: elements of \"users\" must "
                             "be user names or e-mail addresses, not an empty string"));
  EXPECT_THAT(out, HasSubstr(".harness/usergroups/b.yaml:7:7: warning: user \"dan\" is listed "
                             "twice"));
  EXPECT_THAT(out, HasSubstr(".harness/usergroups/b.yaml:8:3: warning: unknown key \"roles\" in "
                             "userGroup"));
  EXPECT_THAT(out, HasSubstr(".harness/usergroups/c.yaml:3:10: error: \"users\" must be a list, "
                             "not a string (\"alice\")"));
  EXPECT_THAT(out, HasSubstr(".harness/usergroups/c.yaml:2:3: warning: user group \"c\" has no "
                             "users"));
  EXPECT_THAT(out, HasSubstr(".harness/usergroups/d.yaml:1:1: error: expected a userGroup "
                             "document (a mapping with a top-level \"userGroup:\" key)"));
}

TEST_F(UserGroupTest, DuplicateIdentifiersAreErrors) {
  Write(".harness/usergroups/approvers.yaml", kApprovers);
  Write(".harness/usergroups/again.yaml", kApprovers);
  const std::string out = LoadDiags();
  EXPECT_THAT(out, HasSubstr("error: duplicate user group identifier \"model_approvers\""));
}

TEST_F(UserGroupTest, AProjectWithoutUserGroupsHasNone) {
  DiagnosticList diags;
  Project p = Load(&diags);
  EXPECT_TRUE(p.user_groups.empty());
  EXPECT_THAT(FormatDiagnostics(diags, p), Not(HasSubstr("usergroups")));
}

}  // namespace
}  // namespace sluice::pipeline
