#include "test_command.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>
#include <string>

#include "common/clock.h"
#include "common/files.h"
#include "generator.h"
#include "metrics_test_data.h"
#include "ml/model_file.h"
#include "train.h"

namespace ccapproval {
namespace {

namespace fs = std::filesystem;

class TestCommandTest : public testing::Test {
 protected:
  void SetUp() override {
    auto dir = sluice::TempDir::Create("ccapproval-test-");
    ASSERT_TRUE(dir.ok()) << dir.status().message();
    dir_ = std::make_unique<sluice::TempDir>(std::move(*dir));
    // The fixture's metrics name a model file that does not exist here.
    nlohmann::json metrics = nlohmann::json::parse(kTestMetricsJson);
    metrics.erase("model_file");
    Write("metrics.json", metrics.dump(2));
    options_.metrics_file = root() / "metrics.json";
    options_.output_dir = root() / "output";
    options_.junit_file = root() / "output" / "report.xml";
  }

  const fs::path& root() const { return dir_->path(); }
  void Write(const fs::path& name, std::string_view text) {
    ASSERT_TRUE(sluice::WriteFileAtomic(root() / name, text).ok());
  }
  std::string Read(const fs::path& path) {
    auto text = sluice::ReadFile(path);
    EXPECT_TRUE(text.ok()) << text.status().message();
    return text.ok() ? *text : "";
  }

  std::unique_ptr<sluice::TempDir> dir_;
  TestOptions options_;
  sluice::FakeClock clock_{1'700'000'000'000};
};

TEST_F(TestCommandTest, PassingChecksWriteEveryOutput) {
  auto outcome = RunModelTests(options_, clock_);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_TRUE(outcome->passed());
  ASSERT_EQ(outcome->checks.size(), 2u);
  EXPECT_EQ(outcome->checks[0].value, 0.92669);
  EXPECT_EQ(outcome->checks[1].value, 7.3500000000000085);

  // Exactly the metrics' doubles, printed as Python prints them.
  EXPECT_EQ(Read(root() / "output" / "shared_env_variables.txt"),
            "ACCURACY=0.92669\nEQUAL_OPPORTUNITY_FAIRNESS_PERCENT=7.3500000000000085\n");

  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(Read(options_.junit_file).c_str()));
  pugi::xml_node suite = doc.child("testsuites").child("testsuite");
  EXPECT_STREQ(suite.attribute("tests").as_string(), "2");
  EXPECT_STREQ(suite.attribute("failures").as_string(), "0");
  EXPECT_STREQ(suite.attribute("timestamp").as_string(), "2023-11-14T22:13:20.000Z");
  int cases = 0;
  for (pugi::xml_node tc : suite.children("testcase")) {
    ++cases;
    EXPECT_STREQ(tc.attribute("classname").as_string(), "ccapproval.model.group_unaware");
    EXPECT_STREQ(tc.attribute("time").as_string(), "0.000");
    EXPECT_FALSE(tc.child("failure"));
  }
  EXPECT_EQ(cases, 2);

  const std::string html = Read(root() / "output" / "model_metrics.html");
  EXPECT_NE(html.find("All 2 checks pass"), std::string::npos);
  EXPECT_NE(html.find("no tree diagram"), std::string::npos);
  EXPECT_NE(html.find("Selected model vs baseline"), std::string::npos);

  std::ostringstream out, err;
  EXPECT_EQ(RunTestCommand(options_, clock_, out, err), 0);
  EXPECT_EQ(out.str(),
            "PASS  test_accuracy: Test accuracy 0.92669 meets the minimum 0.9\n"
            "PASS  test_equal_opportunity: Equal-opportunity gap 7.35 points meets the maximum "
            "21 points\n"
            "wrote " +
                options_.junit_file.string() + ", " +
                (root() / "output" / "shared_env_variables.txt").string() + ", " +
                (root() / "output" / "model_metrics.html").string() + "\n");
  EXPECT_EQ(err.str(), "");
}

TEST_F(TestCommandTest, FailingCheckWritesOutputsAndExitsOne) {
  options_.min_accuracy = 0.95;
  std::ostringstream out, err;
  EXPECT_EQ(RunTestCommand(options_, clock_, out, err), 1);
  EXPECT_NE(out.str().find("FAIL  test_accuracy: Test accuracy 0.92669 is below the minimum "
                           "0.95 by 0.02331\n"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("PASS  test_equal_opportunity"), std::string::npos);
  EXPECT_EQ(err.str(), "ccapproval test: 1 of 2 checks failed\n");

  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(Read(options_.junit_file).c_str()));
  pugi::xml_node suite = doc.child("testsuites").child("testsuite");
  EXPECT_STREQ(suite.attribute("failures").as_string(), "1");
  pugi::xml_node failure =
      suite.find_child_by_attribute("testcase", "name", "test_accuracy").child("failure");
  ASSERT_TRUE(failure);
  EXPECT_STREQ(failure.attribute("message").as_string(),
               "Test accuracy 0.92669 is below the minimum 0.95 by 0.02331");
  EXPECT_NE(std::string(failure.text().as_string()).find("key test.accuracy"), std::string::npos);
  EXPECT_FALSE(
      suite.find_child_by_attribute("testcase", "name", "test_equal_opportunity").child("failure"));

  // Every output is still written, the failure shown in the report.
  EXPECT_EQ(Read(root() / "output" / "shared_env_variables.txt"),
            "ACCURACY=0.92669\nEQUAL_OPPORTUNITY_FAIRNESS_PERCENT=7.3500000000000085\n");
  const std::string html = Read(root() / "output" / "model_metrics.html");
  EXPECT_NE(html.find("1 of 2 checks fail"), std::string::npos);
  EXPECT_NE(html.find("0.02331 below the minimum"), std::string::npos);
}

TEST_F(TestCommandTest, FairnessGapAboveTheMaximumFails) {
  options_.max_fairness_gap = 5;
  auto outcome = RunModelTests(options_, clock_);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_FALSE(outcome->passed());
  EXPECT_EQ(outcome->checks[1].Describe(),
            "Equal-opportunity gap 7.35 points exceeds the maximum 5 points by 2.35 points");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(Read(options_.junit_file).c_str()));
  EXPECT_STREQ(doc.child("testsuites")
                   .child("testsuite")
                   .find_child_by_attribute("testcase", "name", "test_equal_opportunity")
                   .child("failure")
                   .attribute("message")
                   .as_string(),
               "Equal-opportunity gap 7.35 points exceeds the maximum 5 points by 2.35 points");
}

TEST_F(TestCommandTest, MissingKeyIsAnErrorNamingFileAndKey) {
  nlohmann::json metrics = nlohmann::json::parse(kTestMetricsJson);
  metrics["test"].erase("accuracy");
  Write("metrics.json", metrics.dump());
  std::ostringstream out, err;
  EXPECT_EQ(RunTestCommand(options_, clock_, out, err), 1);
  EXPECT_EQ(err.str(), "ccapproval test: error: " + options_.metrics_file.string() +
                           ": missing key \"test.accuracy\"\n");
  EXPECT_FALSE(fs::exists(options_.junit_file));
}

TEST_F(TestCommandTest, CorruptJsonIsAnError) {
  Write("metrics.json", "{\"test\": {\"accuracy\": 0.9");
  auto outcome = RunModelTests(options_, clock_);
  ASSERT_FALSE(outcome.ok());
  EXPECT_TRUE(
      outcome.status().message().starts_with(options_.metrics_file.string() + ": not valid JSON: "))
      << outcome.status().message();
}

TEST_F(TestCommandTest, ThresholdsOutOfRangeAreErrors) {
  options_.min_accuracy = 90;
  auto outcome = RunModelTests(options_, clock_);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().message(),
            "--min-accuracy must be a fraction in [0, 1], got 90 (a percentage? use 0.9)");
  options_.min_accuracy = 0.9;
  options_.max_fairness_gap = std::nan("");
  outcome = RunModelTests(options_, clock_);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().message(),
            "--max-fairness-gap must be in percentage points in [0, 100], got nan");
}

TEST_F(TestCommandTest, EmptyPathsAreErrors) {
  TestOptions o = options_;
  o.junit_file.clear();
  auto outcome = RunModelTests(o, clock_);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().message(), "--junit must not be empty");
  o = options_;
  o.output_dir.clear();
  EXPECT_EQ(RunModelTests(o, clock_).status().message(), "--output-dir must not be empty");
  o = options_;
  o.metrics_file.clear();
  EXPECT_EQ(RunModelTests(o, clock_).status().message(), "--metrics must not be empty");
}

TEST_F(TestCommandTest, MetricsDirectoryIsAnIoError) {
  options_.metrics_file = root();
  auto outcome = RunModelTests(options_, clock_);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), sluice::StatusCode::kIoError);
  EXPECT_EQ(outcome.status().message(), "cannot read " + root().string() + ": is a directory");
}

// selected_model comes from the file and goes into the JUnit classname.
TEST_F(TestCommandTest, ControlCharactersInTheModelNameStillGiveValidXml) {
  nlohmann::json metrics = nlohmann::json::parse(kTestMetricsJson);
  metrics.erase("model_file");
  metrics["selected_model"] = std::string("un") + '\x01' + "aware" + '\0' + "x";
  Write("metrics.json", metrics.dump());
  auto outcome = RunModelTests(options_, clock_);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  const std::string xml = Read(options_.junit_file);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find("&#"), std::string::npos) << xml;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  EXPECT_STREQ(doc.child("testsuites")
                   .child("testsuite")
                   .child("testcase")
                   .attribute("classname")
                   .as_string(),
               "ccapproval.model.un\xEF\xBF\xBD"
               "aware\xEF\xBF\xBDx");
}

// Train on a small data set, then test: the metrics lead to the model and
// the report draws its tree.
TEST_F(TestCommandTest, TrainedModelIsFoundThroughTheMetricsAndDrawn) {
  ASSERT_TRUE(GenerateCsvFile(54, 3000, root() / "cc.csv").ok());
  TrainConfig config{root() / "cc.csv", root() / "models" / "model.json",
                     root() / "out" / "metrics.json"};
  ASSERT_TRUE(Train(config, clock_).ok());
  options_.metrics_file = config.metrics_file;
  auto outcome = RunModelTests(options_, clock_);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  ASSERT_TRUE(outcome->model_file.has_value());
  EXPECT_EQ(fs::weakly_canonical(*outcome->model_file), fs::weakly_canonical(config.model_file));
  const std::string html = Read(outcome->report_file);
  EXPECT_NE(html.find("id=\"tree\""), std::string::npos);
  EXPECT_NE(html.find("class=\"node split\""), std::string::npos);
  EXPECT_NE(html.find("Dataset SHA-256"), std::string::npos);

  // A model from another run (other feature names) is refused.
  auto model = sluice::ml::LoadModel(config.model_file);
  ASSERT_TRUE(model.ok());
  model->features[0] = "Children";
  ASSERT_TRUE(sluice::ml::SaveModel(root() / "other.json", *model).ok());
  options_.model_file = root() / "other.json";
  outcome = RunModelTests(options_, clock_);
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.status().message().find("the model's features differ"), std::string::npos)
      << outcome.status().message();

  options_.model_file = root() / "missing.json";
  outcome = RunModelTests(options_, clock_);
  ASSERT_FALSE(outcome.ok());
  EXPECT_TRUE(
      outcome.status().message().starts_with("cannot read the model file for the report's tree: "))
      << outcome.status().message();
}

}  // namespace
}  // namespace ccapproval
