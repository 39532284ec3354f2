// The CI workspace: /harness as the working directory, sharedPaths carried
// from one stage to the next, and cloneCodebase.
#include <gtest/gtest.h>

#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

TEST(WorkspaceTest, RunStepsWorkInHarness) {
  TestProject p;
  std::string out = (p.scratch() / "pwd").string();
  p.WritePipeline(Pipeline("ws", {CiStage("Build", {RunStep("where", "pwd > " + out)})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(p.ReadScratch("pwd"), "/harness\n");
}

TEST(WorkspaceTest, SharedPathCarriesFilesToTheNextStage) {
  TestProject p;
  std::string out = (p.scratch() / "read").string();
  const std::string shared = "sharedPaths:\n  - /harness/output";
  p.WritePipeline(
      Pipeline("ws", {CiStage("One",
                              {RunStep("write",
                                       "mkdir -p /harness/output\necho 'model accuracy=0.93' > "
                                       "/harness/output/metrics.txt")},
                              {.spec = shared}),
                      CiStage("Two", {RunStep("read", "cat /harness/output/metrics.txt > " + out)},
                              {.spec = shared})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  EXPECT_EQ(StatusOf(ex, "Two.read"), "Success");
  EXPECT_EQ(p.ReadScratch("read"), "model accuracy=0.93\n");
}

TEST(WorkspaceTest, CloneCodebaseChecksOutTheRepository) {
  TestProject p;
  auto repo = p.MakeGitRepo("repo", {{"hello.txt", "hello from the repo\n"}});
  p.Write(".harness/connectors/c.yaml",
          "connector:\n  identifier: c\n  name: c\n  type: Git\n  spec:\n    url: " +
              repo.string() + "\n");
  std::string out = (p.scratch() / "seen").string();
  std::string sha = (p.scratch() / "sha").string();
  p.WritePipeline(Pipeline(
      "ws",
      {CiStage(
          "Build",
          {RunStep("look", "cat hello.txt > " + out + "\necho \"$DRONE_COMMIT_SHA\" > " + sha)},
          {.spec = "cloneCodebase: true"})},
      "properties:\n  ci:\n    codebase:\n      connectorRef: c\n      repoName: repo\n"
      "      build: <+input>"));
  RunResult raw;
  auto ex = p.RunJson({"--branch", "main"}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  EXPECT_EQ(StatusOf(ex, "Build.clone_codebase"), "Success");
  EXPECT_EQ(p.ReadScratch("seen"), "hello from the repo\n");
  auto head = ReadFile(repo / ".git" / "refs" / "heads" / "main");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(p.ReadScratch("sha"), *head);
  EXPECT_EQ(FindStep(ex, "Build.clone_codebase")["outputs"].value("commitSha", "") + "\n", *head);
}

}  // namespace
}  // namespace sluice::testing
