#include "predict_command.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "ml/tree.h"

namespace ccapproval {
namespace {

// A two-feature model: approve (1) when Income > 50; Own_Car never matters.
sluice::ml::ModelFile IncomeModel() {
  const std::vector<std::vector<float>> columns = {{10, 20, 30, 60, 70, 80, 90, 40},
                                                   {0, 1, 0, 1, 0, 1, 0, 1}};
  const std::vector<int64_t> y = {0, 0, 0, 1, 1, 1, 1, 1};
  auto tree = sluice::ml::FitDecisionTree(columns, y, sluice::ml::TreeOptions{});
  EXPECT_TRUE(tree.ok()) << tree.status().message();
  auto model = sluice::ml::MakeModelFile(std::move(*tree), {"Income", "Own_Car"}, columns,
                                         "00", sluice::ml::TreeOptions{}, "test", 0);
  EXPECT_TRUE(model.ok()) << model.status().message();
  return std::move(*model);
}

TEST(PredictCommandTest, ScoresEachLineAndIgnoresOtherKeys) {
  std::istringstream in(
      "{\"Income\": 75, \"Own_Car\": 0, \"Group\": 1}\n"
      "\n"
      "{\"Own_Car\": 1, \"Income\": 12.5}\n");
  std::ostringstream out;
  size_t scored = 0;
  sluice::Status s = Predict(IncomeModel(), in, out, "<stdin>", &scored);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(scored, 2u);
  EXPECT_EQ(out.str(),
            "{\"prediction\":1,\"probability\":1.0}\n"
            "{\"prediction\":0,\"probability\":0.0}\n");
}

TEST(PredictCommandTest, MissingFeatureNamesLineAndField) {
  std::istringstream in("{\"Income\": 75, \"Own_Car\": 0}\n{\"Income\": 75}\n");
  std::ostringstream out;
  sluice::Status s = Predict(IncomeModel(), in, out, "apps.jsonl");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("apps.jsonl:2: missing feature \"Own_Car\""), std::string::npos)
      << s.message();
  EXPECT_EQ(out.str(), "{\"prediction\":1,\"probability\":1.0}\n");  // line 1 was written
}

TEST(PredictCommandTest, NonNumericFeatureNamesFieldAndValue) {
  std::istringstream in("{\"Income\": \"lots\", \"Own_Car\": 0}\n");
  std::ostringstream out;
  sluice::Status s = Predict(IncomeModel(), in, out, "<stdin>");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("<stdin>:1: feature \"Income\" must be a number, got a string "
                             "\"lots\""),
            std::string::npos)
      << s.message();
}

TEST(PredictCommandTest, OutOfRangeAndNonObjectLinesAreErrors) {
  std::ostringstream out;
  std::istringstream huge("{\"Income\": 1e300, \"Own_Car\": 0}\n");
  sluice::Status s = Predict(IncomeModel(), huge, out, "<stdin>");
  EXPECT_NE(s.message().find("out of range for float32"), std::string::npos) << s.message();
  std::istringstream array("[75, 0]\n");
  s = Predict(IncomeModel(), array, out, "<stdin>");
  EXPECT_NE(s.message().find("<stdin>:1: expected one JSON object per line"), std::string::npos)
      << s.message();
  std::istringstream broken("{\"Income\": 75,\n");
  s = Predict(IncomeModel(), broken, out, "<stdin>");
  EXPECT_FALSE(s.ok());
}

TEST(PredictCommandTest, LineErrorsSayWhyWithoutQuotingTheLine) {
  std::ostringstream out;
  std::istringstream secret("{\"Income\": 75, \"Own_Car\": 0}\n{\"Income\": hunter2}\n");
  sluice::Status s = Predict(IncomeModel(), secret, out, "<stdin>");
  EXPECT_EQ(s.message(),
            "<stdin>:2: expected one JSON object per line, such as {\"Income\": 1, ...}; not "
            "valid JSON at byte 12: syntax error while parsing value - invalid literal");

  std::istringstream array("[75, 0]\n");
  s = Predict(IncomeModel(), array, out, "<stdin>");
  EXPECT_EQ(s.message(),
            "<stdin>:1: expected one JSON object per line, such as {\"Income\": 1, ...}; not an "
            "object, got an array");

  std::istringstream overflow("{\"Income\": 1e400, \"Own_Car\": 0}\n");
  s = Predict(IncomeModel(), overflow, out, "<stdin>");
  EXPECT_EQ(s.message(),
            "<stdin>:1: expected one JSON object per line, such as {\"Income\": 1, ...}; not "
            "valid JSON: number overflow: a number is too large for a double");
}

TEST(PredictCommandTest, NullValueSaysGotNullOnce) {
  std::ostringstream out;
  std::istringstream in("{\"Income\": null, \"Own_Car\": 0}\n");
  sluice::Status s = Predict(IncomeModel(), in, out, "<stdin>");
  EXPECT_EQ(s.message(), "<stdin>:1: feature \"Income\" must be a number, got null");
}

// The range is checked in double: casting 1e300 to float is undefined.
TEST(PredictCommandTest, Float32RangeIsCheckedBeforeTheCast) {
  for (const char* value : {"1e300", "-1e300", "3.4028236e38"}) {
    std::ostringstream out;
    std::istringstream in(std::string("{\"Income\": ") + value + ", \"Own_Car\": 0}\n");
    sluice::Status s = Predict(IncomeModel(), in, out, "<stdin>");
    EXPECT_TRUE(
        s.message().starts_with("<stdin>:1: feature \"Income\" is out of range for "
                                "float32 (|x| <= 3.4028234663852886e+38): "))
        << s.message();
  }
  std::ostringstream out;
  std::istringstream largest("{\"Income\": 3.4028234663852886e38, \"Own_Car\": 0}\n");
  sluice::Status s = Predict(IncomeModel(), largest, out, "<stdin>");
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(out.str(), "{\"prediction\":1,\"probability\":1.0}\n");
}

TEST(PredictCommandTest, FailedWriteIsAnIoError) {
  std::ostream out(nullptr);  // no buffer: every write fails
  std::istringstream in("{\"Income\": 75, \"Own_Car\": 0}\n");
  size_t scored = 99;
  sluice::Status s = Predict(IncomeModel(), in, out, "<stdin>", &scored);
  EXPECT_EQ(s.code(), sluice::StatusCode::kIoError);
  EXPECT_EQ(s.message(), "cannot write the predictions: the output stream failed");
  EXPECT_EQ(scored, 99u);
}

}  // namespace
}  // namespace ccapproval
