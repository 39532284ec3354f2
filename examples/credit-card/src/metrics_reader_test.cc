#include "metrics_reader.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "metrics_test_data.h"

namespace ccapproval {
namespace {

using nlohmann::json;

std::string Without(std::string_view pointer) {
  json j = json::parse(kTestMetricsJson);
  const json::json_pointer p{std::string(pointer)};
  j[p.parent_pointer()].erase(p.back());
  return j.dump();
}

std::string With(std::string_view pointer, json value) {
  json j = json::parse(kTestMetricsJson);
  j[json::json_pointer{std::string(pointer)}] = std::move(value);
  return j.dump();
}

TEST(MetricsReaderTest, ReadsEveryFigureExactly) {
  auto m = ParseMetrics(kTestMetricsJson, "run/out/metrics.json");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->selected_model, "group_unaware");
  EXPECT_EQ(m->selected.features,
            (std::vector<std::string>{"Num_Children", "Income", "Own_Car", "Own_Housing"}));
  EXPECT_EQ(m->selected.test.accuracy, 0.92669);
  EXPECT_EQ(m->selected.train.f1, 0.9021099);
  EXPECT_EQ(m->selected.equal_opportunity_gap, 7.3500000000000085);
  EXPECT_EQ(m->selected.fairness.tpr_percent[1], 85.88);
  EXPECT_EQ(m->selected.fairness.total_approvals, 35320);
  EXPECT_EQ(m->selected.fairness.confusion.by_group[1].tp(), 23000);
  // A group's approvals are its predicted positives.
  EXPECT_EQ(m->selected.fairness.approvals[0], 1000 + 9700);
  EXPECT_EQ(m->selected.feature_importances, (std::vector<double>{0, 0.9427, 0, 0.0573}));
  ASSERT_TRUE(m->baseline.has_value());
  EXPECT_EQ(m->baseline->test.accuracy, 0.94847);
  EXPECT_EQ(m->baseline->features.size(), 5u);
  ASSERT_TRUE(m->model_file.has_value());
  EXPECT_EQ(*m->model_file, "run/out/model.json");
}

TEST(MetricsReaderTest, BaselineAndModelFileAreOptional) {
  json j = json::parse(kTestMetricsJson);
  j.erase("baseline");
  j.erase("model_file");
  auto m = ParseMetrics(j.dump(), "metrics.json");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_FALSE(m->baseline.has_value());
  EXPECT_FALSE(m->model_file.has_value());
}

TEST(MetricsReaderTest, MissingKeyNamesFileAndKey) {
  auto m = ParseMetrics(Without("/fairness/equal_opportunity/gap_%"), "out/metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "out/metrics.json: missing key \"fairness.equal_opportunity.gap_%\"");

  m = ParseMetrics(Without("/test"), "out/metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "out/metrics.json: missing key \"test\"");

  m = ParseMetrics(Without("/baseline/train/recall"), "out/metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "out/metrics.json: missing key \"baseline.train.recall\"");

  m = ParseMetrics(Without("/feature_importances/Income"), "out/metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "out/metrics.json: missing key \"feature_importances\" entry for \"Income\"");
}

TEST(MetricsReaderTest, WrongTypeNamesKeyAndWhatWasFound) {
  auto m = ParseMetrics(With("/test/accuracy", "0.93"), "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "metrics.json: key \"test.accuracy\" must be a number, found string");

  m = ParseMetrics(With("/fairness", 3), "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "metrics.json: key \"fairness\" must be an object, found number 3");

  m = ParseMetrics(With("/fairness/confusion_matrix/group_0", json::array({1, 2})), "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "metrics.json: key \"fairness.confusion_matrix.group_0\" must be a 2x2 array of "
            "counts [[TN, FP], [FN, TP]], found array");

  m = ParseMetrics(With("/fairness/confusion_matrix/overall/1/0", -4), "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "metrics.json: key \"fairness.confusion_matrix.overall[1][0]\" must be a "
            "non-negative integer, found number -4");

  m = ParseMetrics(With("/model_file", ""), "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "metrics.json: key \"model_file\" must be a non-empty path");
}

TEST(MetricsReaderTest, CorruptFileIsAClearError) {
  const std::string text(kTestMetricsJson);
  auto m = ParseMetrics(text.substr(0, text.size() / 2), "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_TRUE(m.status().message().starts_with("metrics.json: not valid JSON: "))
      << m.status().message();

  m = ParseMetrics("", "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_TRUE(m.status().message().starts_with("metrics.json: not valid JSON: "));

  m = ParseMetrics("[1, 2]", "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "metrics.json: expected a JSON object (the metrics file `ccapproval train` "
            "writes), found array");
}

TEST(MetricsReaderTest, MissingFileNamesIt) {
  auto m = LoadMetrics("/nonexistent/metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("/nonexistent/metrics.json"), std::string::npos)
      << m.status().message();
}

}  // namespace
}  // namespace ccapproval
