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

}  // namespace
}  // namespace ccapproval
