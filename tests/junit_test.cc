// JUnit reports of Run steps: parsed whatever the exit code; the exit code
// alone decides the step's status.
#include <gtest/gtest.h>

#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

// A script that writes a report with 3 cases (1 failed, 1 skipped) to
// reports/junit.xml and exits with `code`.
std::string WriteReport(int code) {
  return "mkdir -p reports\n"
         "cat > reports/junit.xml <<'XML'\n"
         "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<testsuites>\n"
         "  <testsuite name=\"model\" tests=\"3\" failures=\"1\" skipped=\"1\">\n"
         "    <testcase classname=\"test_model\" name=\"test_accuracy\" time=\"0.5\"/>\n"
         "    <testcase classname=\"test_model\" name=\"test_fairness\" time=\"0.1\">\n"
         "      <failure message=\"fairness 0.61 below 0.8\">assert 0.61 &gt;= 0.8</failure>\n"
         "    </testcase>\n"
         "    <testcase classname=\"test_model\" name=\"test_gpu\"><skipped/></testcase>\n"
         "  </testsuite>\n"
         "</testsuites>\n"
         "XML\n"
         "exit " +
         std::to_string(code);
}

const std::string kReports = "reports:\n  type: JUnit\n  spec:\n    paths:\n      - reports/*.xml";

TEST(JUnitTest, FailedTestsAndNonZeroExitFailTheStep) {
  TestProject p;
  p.WritePipeline(
      Pipeline("ju", {CiStage("Test", {RunStep("pytest", WriteReport(1), {.spec = kReports})})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  const auto& step = FindStep(ex, "Test.pytest");
  EXPECT_EQ(step.value("status", ""), "Failed");
  ASSERT_TRUE(step["details"].contains("tests")) << step.dump(2);
  const auto& tests = step["details"]["tests"];
  EXPECT_EQ(tests.value("total", -1), 3);
  EXPECT_EQ(tests.value("failed", -1), 1);
  EXPECT_EQ(tests.value("skipped", -1), 1);
  EXPECT_EQ(tests.value("passed", -1), 1);
  auto logs = p.Sluice({"executions", "logs", ex.value("id", ""), "--step", "Test.pytest"});
  EXPECT_NE(
      logs.out.find("[sluice] tests: 3 total, 1 passed, 1 failed, 1 skipped (1 report file(s))"),
      std::string::npos)
      << logs.out;
  EXPECT_NE(logs.out.find("failed: test_model.test_fairness: fairness 0.61 below 0.8"),
            std::string::npos)
      << logs.out;
}

TEST(JUnitTest, FailedTestsWithZeroExitStillSucceed) {
  TestProject p;
  p.WritePipeline(
      Pipeline("ju", {CiStage("Test", {RunStep("pytest", WriteReport(0), {.spec = kReports})})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  const auto& step = FindStep(ex, "Test.pytest");
  EXPECT_EQ(step.value("status", ""), "Success");
  EXPECT_EQ(step["details"]["tests"].value("total", -1), 3);
  EXPECT_EQ(step["details"]["tests"].value("failed", -1), 1);
  // The human view shows the counts too.
  auto show = p.Sluice({"executions", "show", ex.value("id", "")});
  EXPECT_NE(show.out.find("tests: 3 total, 1 failed, 1 skipped"), std::string::npos) << show.out;
}

}  // namespace
}  // namespace sluice::testing
