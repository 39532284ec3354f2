#include "steps/reports.h"

#include <gtest/gtest.h>

#include "common/files.h"
#include "steps/step_test_util.h"

namespace sluice::steps {
namespace {

namespace fs = std::filesystem;

class JUnitReportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("reports-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    ASSERT_TRUE(WriteFileAtomic(dir_->path() / "ok.xml",
                                "<testsuite name=\"s\"><testcase name=\"t\"/></testsuite>")
                    .ok());
  }

  // Collects `reports` (YAML) from the workspace; the step's log.
  std::string Collect(const std::string& reports, engine::StepOutcome* outcome) {
    TestStepContext t("Run", "reports: " + reports, nlohmann::json::object(), dir_->path());
    CollectJUnitReports(t.ctx(), t.node().spec["reports"], nullptr, outcome);
    return t.log.All();
  }

  std::unique_ptr<TempDir> dir_;
};

TEST_F(JUnitReportsTest, APathWhoseExpressionFailsIsLoggedAndSkipped) {
  engine::StepOutcome outcome;
  std::string log = Collect(
      "{type: JUnit, spec: {paths: ['<+secrets.getValue(\"missing\")>/r.xml', ok.xml]}}", &outcome);
  EXPECT_NE(
      log.find("[sluice] reports: skipped the path \"<+secrets.getValue(\"missing\")>/r.xml\": "),
      std::string::npos)
      << log;
  EXPECT_NE(log.find("missing"), std::string::npos) << log;
  EXPECT_NE(log.find("1 total"), std::string::npos) << log;
  EXPECT_EQ(outcome.status, engine::NodeStatus::kSuccess);
}

TEST_F(JUnitReportsTest, AFileThatCannotBeReadIsLoggedAndSkipped) {
  // /proc/self/mem is a regular file whose first bytes cannot be read (EIO),
  // whoever the tests run as.
  fs::create_symlink("/proc/self/mem", dir_->path() / "bad.xml");
  engine::StepOutcome outcome;
  std::string log = Collect("{type: JUnit, spec: {paths: ['*.xml']}}", &outcome);
  EXPECT_NE(log.find("[sluice] reports: skipped bad.xml: "), std::string::npos) << log;
  EXPECT_NE(log.find("Input/output error"), std::string::npos) << log;
  EXPECT_NE(log.find("1 total"), std::string::npos) << log;
  EXPECT_EQ(outcome.status, engine::NodeStatus::kSuccess);
}

}  // namespace
}  // namespace sluice::steps
