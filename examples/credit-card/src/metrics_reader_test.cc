#include "metrics_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/files.h"
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
            "metrics.json: key \"test.accuracy\" must be a number in [0, 1], found a string");

  m = ParseMetrics(With("/fairness", 3), "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "metrics.json: key \"fairness\" must be an object, found 3");

  m = ParseMetrics(With("/fairness/confusion_matrix/group_0", json::array({1, 2})), "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "metrics.json: key \"fairness.confusion_matrix.group_0\" must be a 2x2 array of "
            "counts [[TN, FP], [FN, TP]], found an array");

  m = ParseMetrics(With("/fairness/confusion_matrix/overall/1/0", -4), "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "metrics.json: key \"fairness.confusion_matrix.overall[1][0]\" must be an "
            "integer in [0, 2^53], found -4");

  m = ParseMetrics(With("/model_file", ""), "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "metrics.json: key \"model_file\" must be a non-empty path");
}

// Each figure's allowed range, at both ends and just outside.
TEST(MetricsReaderTest, FiguresOutsideTheirRangeAreErrors) {
  struct Case {
    std::string_view pointer;
    json value;
    std::string message;
  };
  const Case cases[] = {
      {"/test/accuracy", 1e308, "key \"test.accuracy\" must be a number in [0, 1], found 1e+308"},
      {"/test/accuracy", -0.5, "key \"test.accuracy\" must be a number in [0, 1], found -0.5"},
      {"/train/f1", 1.0000001, "key \"train.f1\" must be a number in [0, 1], found 1.0000001"},
      {"/baseline/test/precision", 2,
       "key \"baseline.test.precision\" must be a number in [0, 1], found 2"},
      {"/fairness/equal_opportunity/gap_%", -1e308,
       "key \"fairness.equal_opportunity.gap_%\" must be a number in [0, 100], found -1e+308"},
      {"/fairness/equal_opportunity/gap_%", 100.5,
       "key \"fairness.equal_opportunity.gap_%\" must be a number in [0, 100], found 100.5"},
      {"/fairness/demographic_parity/group_1_%", 101,
       "key \"fairness.demographic_parity.group_1_%\" must be a number in [0, 100], found 101"},
      {"/fairness/equal_accuracy/overall_%", -1,
       "key \"fairness.equal_accuracy.overall_%\" must be a number in [0, 100], found -1"},
      {"/feature_importances/Income", 1.5,
       "key \"feature_importances[\"Income\"]\" must be a number in [0, 1], found 1.5"},
      {"/fairness/confusion_matrix/overall/0/1", INT64_MAX,
       "key \"fairness.confusion_matrix.overall[0][1]\" must be an integer in [0, 2^53], found "
       "9223372036854775807"},
      {"/fairness/confusion_matrix/group_0/1/1", (int64_t{1} << 53) + 1,
       "key \"fairness.confusion_matrix.group_0[1][1]\" must be an integer in [0, 2^53], found "
       "9007199254740993"},
      {"/fairness/confusion_matrix/group_0/1/1", 9700.5,
       "key \"fairness.confusion_matrix.group_0[1][1]\" must be an integer in [0, 2^53], found "
       "9700.5"},
      {"/fairness/demographic_parity/total_approvals", UINT64_MAX,
       "key \"fairness.demographic_parity.total_approvals\" must be an integer in [0, 2^53], "
       "found 18446744073709551615"},
  };
  for (const Case& c : cases) {
    auto m = ParseMetrics(With(c.pointer, c.value), "metrics.json");
    ASSERT_FALSE(m.ok()) << c.pointer;
    EXPECT_EQ(m.status().message(), "metrics.json: " + c.message);
  }
  // The ends of each range are allowed.
  for (const auto& [pointer, value] :
       std::vector<std::pair<std::string_view, json>>{{"/test/accuracy", 0},
                                                      {"/test/accuracy", 1},
                                                      {"/fairness/equal_opportunity/gap_%", 0},
                                                      {"/fairness/equal_opportunity/gap_%", 100}}) {
    auto m = ParseMetrics(With(pointer, value), "metrics.json");
    EXPECT_TRUE(m.ok()) << pointer << " = " << value << ": " << m.status().message();
  }
}

TEST(MetricsReaderTest, CountsThatDisagreeAreErrors) {
  auto m = ParseMetrics(With("/fairness/confusion_matrix/overall/1/1", 32701), "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "metrics.json: key \"fairness.confusion_matrix.overall\" must be the sum of group_0 "
            "and group_1, [[59969, 2620], [4711, 32700]], found [[59969, 2620], [4711, 32701]]");

  m = ParseMetrics(With("/baseline/fairness/confusion_matrix/group_1/0/0", 0), "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "metrics.json: key \"baseline.fairness.confusion_matrix.overall\" must be the sum of "
            "group_0 and group_1, [[39555, 2000], [3153, 34847]], found [[60000, 2000], [3153, "
            "34847]]");

  m = ParseMetrics(With("/fairness/demographic_parity/total_approvals", 35321), "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "metrics.json: key \"fairness.demographic_parity.total_approvals\" must equal FP + TP "
            "of the overall confusion matrix, 35320, found 35321");

  // Counts at the top of their range sum without overflow and are compared.
  json j = json::parse(kTestMetricsJson);
  const int64_t top = int64_t{1} << 53;
  j["fairness"]["confusion_matrix"]["group_0"][0][1] = top;
  j["fairness"]["confusion_matrix"]["group_1"][0][1] = top;
  m = ParseMetrics(j.dump(), "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("[[59969, 18014398509481984], [4711, 32700]]"),
            std::string::npos)
      << m.status().message();
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
            "writes), found an array");
}

// A metrics path that names the wrong file must not print that file.
TEST(MetricsReaderTest, ParseErrorsDoNotEchoTheFile) {
  auto m = ParseMetrics("{\"selected_model\": \"group_unaware\",\n\"password\": hunter2}",
                        "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "metrics.json: not valid JSON: parse error at line 2, column 13: syntax error while "
            "parsing value - invalid literal");

  m = ParseMetrics("{\"test\": {\"accuracy\": 1e400}}", "metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "metrics.json: not valid JSON: number overflow: a number is too large for a double");
}

TEST(MetricsReaderTest, ADirectoryIsAnIoError) {
  auto dir = sluice::TempDir::Create("metrics-reader-test-");
  ASSERT_TRUE(dir.ok());
  auto m = LoadMetrics(dir->path());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), sluice::StatusCode::kIoError);
  EXPECT_EQ(m.status().message(), "cannot read " + dir->path().string() + ": is a directory");
}

TEST(MetricsReaderTest, MissingFileNamesIt) {
  auto m = LoadMetrics("/nonexistent/metrics.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("/nonexistent/metrics.json"), std::string::npos)
      << m.status().message();
}

}  // namespace
}  // namespace ccapproval
