// `sluice retry ID --from POINT`: a new execution that reuses the earlier
// one's results before POINT and runs the rest.
#include <gtest/gtest.h>
#include <unistd.h>

#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

class RetryTest : public ::testing::Test {
 protected:
  std::string F(const std::string& name) const { return (p_.scratch() / name).string(); }
  std::string Count(const std::string& name) const { return "echo x >> " + F(name); }

  // A: a1 (output A1). B: b1 (output B1), b2 (fails while scratch/fail
  // exists), b3 (prints both outputs).
  void WriteProject() {
    p_.WritePipeline(Pipeline(
        "ret",
        {CustomStage(
             "A", {ShellStep(
                      "a1", Count("a1") + "\nv='alpha one'",
                      {.spec = "outputVariables:\n  - name: A1\n    type: String\n    value: v"})}),
         CustomStage(
             "B",
             {ShellStep("b1", Count("b1") + "\nv=beta",
                        {.spec = "outputVariables:\n  - name: B1\n    type: String\n    value: v"}),
              ShellStep("b2", Count("b2") + "\n[ ! -e " + F("fail") + " ]"),
              ShellStep(
                  "b3",
                  "echo '<+pipeline.stages.A.spec.execution.steps.a1.output.outputVariables.A1>"
                  " <+execution.steps.b1.output.outputVariables.B1>' > " +
                      F("seen"))})}));
  }

  TestProject p_;
};

TEST_F(RetryTest, RetryFromAStepReusesEarlierResults) {
  WriteProject();
  ASSERT_TRUE(WriteFileAtomic(F("fail"), "").ok());
  RunResult raw;
  auto first = p_.RunJson({}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(first, "B.b2"), "Failed");
  EXPECT_EQ(StatusOf(first, "B.b3"), "Skipped");
  std::string old_id = first.value("id", "");

  ::unlink(F("fail").c_str());
  auto retried = p_.Sluice({"retry", old_id, "--from", "B.b2", "--json"});
  ASSERT_EQ(retried.exit_code, 0) << retried.err << retried.out;
  auto ex = retried.Json();
  EXPECT_NE(ex.value("id", ""), old_id);
  EXPECT_EQ(ex.value("retriedFrom", ""), old_id);
  EXPECT_EQ(ex.value("status", ""), "Success");
  EXPECT_EQ(p_.ReadScratch("a1"), "x\n");
  EXPECT_EQ(p_.ReadScratch("b1"), "x\n");
  EXPECT_EQ(p_.ReadScratch("b2"), "x\nx\n");
  EXPECT_EQ(p_.ReadScratch("seen"), "alpha one beta\n");
  for (const char* reused : {"A.a1", "B.b1"}) {
    const auto& step = FindStep(ex, reused);
    EXPECT_EQ(step.value("status", ""), "Success") << reused;
    EXPECT_EQ(step["details"].value("reusedFrom", ""), old_id) << step.dump(2);
  }
  EXPECT_EQ(FindStep(ex, "A.a1")["outputs"].value("A1", ""), "alpha one");
  for (const char* ran : {"B.b2", "B.b3"}) {
    EXPECT_FALSE(FindStep(ex, ran)["details"].contains("reusedFrom")) << FindStep(ex, ran).dump(2);
  }
  auto show = p_.Sluice({"executions", "show", ex.value("id", "")});
  EXPECT_NE(show.out.find("(reused)"), std::string::npos) << show.out;

  // The earlier execution is untouched.
  auto old = p_.Sluice({"executions", "show", old_id, "--json"}).Json();
  EXPECT_EQ(old.value("status", ""), "Failed");
  EXPECT_EQ(StatusOf(old, "B.b2"), "Failed");
}

TEST_F(RetryTest, RetryWithoutFromStartsAtTheFirstFailedStage) {
  WriteProject();
  ASSERT_TRUE(WriteFileAtomic(F("fail"), "").ok());
  RunResult raw;
  auto first = p_.RunJson({}, {}, &raw);
  std::string old_id = first.value("id", "");
  ::unlink(F("fail").c_str());
  auto retried = p_.Sluice({"retry", old_id});
  ASSERT_EQ(retried.exit_code, 0) << retried.err << retried.out;
  EXPECT_EQ(retried.out.rfind(
                "Retrying execution " + old_id + " from B (2 earlier result(s) reused)\n", 0),
            0u)
      << retried.out;
  EXPECT_EQ(p_.ReadScratch("a1"), "x\n");
  EXPECT_EQ(p_.ReadScratch("b1"), "x\nx\n");
}

TEST_F(RetryTest, RetryFromAnUnknownPointIsAUsageError) {
  WriteProject();
  RunResult raw;
  auto first = p_.RunJson({}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  std::string old_id = first.value("id", "");
  auto retried = p_.Sluice({"retry", old_id, "--from", "B.nope"});
  EXPECT_EQ(retried.exit_code, 2) << retried.out;
  EXPECT_NE(retried.err.find("B.nope"), std::string::npos) << retried.err;
  auto all_ok = p_.Sluice({"retry", old_id});
  EXPECT_EQ(all_ok.exit_code, 2);
  EXPECT_EQ(all_ok.err, "sluice: every stage of " + old_id +
                            " succeeded; say where to start with --from STAGE[.STEP]\n");
}

// A retry starts from the earlier execution's workspace: files written by
// the reused steps are there although those steps do not run again.
TEST_F(RetryTest, RetryKeepsTheWorkspaceOfReusedSteps) {
  p_.WritePipeline(Pipeline(
      "ret",
      {CiStage("Build", {RunStep("prepare", Count("prepare") + "\necho 'prepared data' > data.txt"),
                         RunStep("train", Count("train") + "\n[ ! -e " + F("fail") +
                                              " ]\ncat data.txt > " + F("seen"))})}));
  ASSERT_TRUE(WriteFileAtomic(F("fail"), "").ok());
  RunResult raw;
  auto first = p_.RunJson({}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 1) << raw.err;
  ::unlink(F("fail").c_str());
  auto retried = p_.Sluice({"retry", first.value("id", ""), "--from", "Build.train", "--json"});
  ASSERT_EQ(retried.exit_code, 0) << retried.err << retried.out;
  EXPECT_EQ(p_.ReadScratch("prepare"), "x\n");
  EXPECT_EQ(p_.ReadScratch("train"), "x\nx\n");
  EXPECT_EQ(p_.ReadScratch("seen"), "prepared data\n");
}

TEST_F(RetryTest, RetryFromAStepInsideAStepGroup) {
  p_.WritePipeline(Pipeline(
      "ret",
      {CustomStage("S",
                   {ShellStep("before", Count("before")),
                    StepGroup("G", {ShellStep("g1", Count("g1")),
                                    ShellStep("g2", Count("g2") + "\n[ ! -e " + F("fail") + " ]")}),
                    ShellStep("after", Count("after"))})}));
  ASSERT_TRUE(WriteFileAtomic(F("fail"), "").ok());
  RunResult raw;
  auto first = p_.RunJson({}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(first, "S.G.g2"), "Failed");
  ::unlink(F("fail").c_str());
  auto retried = p_.Sluice({"retry", first.value("id", ""), "--from", "S.G.g2", "--json"});
  ASSERT_EQ(retried.exit_code, 0) << retried.err << retried.out;
  auto ex = retried.Json();
  EXPECT_EQ(StatusOf(ex, "S.G"), "Success");
  EXPECT_EQ(p_.ReadScratch("before"), "x\n");
  EXPECT_EQ(p_.ReadScratch("g1"), "x\n");
  EXPECT_EQ(p_.ReadScratch("g2"), "x\nx\n");
  EXPECT_EQ(p_.ReadScratch("after"), "x\n");
  EXPECT_EQ(FindStep(ex, "S.G.g1")["details"].value("reusedFrom", ""), first.value("id", ""));
}

}  // namespace
}  // namespace sluice::testing
