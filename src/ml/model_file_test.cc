#include "ml/model_file.h"

#include <cstdint>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/files.h"

namespace sluice::ml {
namespace {

using Columns = std::vector<std::vector<float>>;
using nlohmann::json;

// Two features, three classes, enough rows for a few splits.
Columns TrainingColumns() {
  Columns x(2);
  for (int i = 0; i < 60; ++i) {
    x[0].push_back(static_cast<float>(i % 13) * 1.5f);
    x[1].push_back(static_cast<float>((i * 7) % 11) + 0.25f);
  }
  return x;
}

std::vector<int64_t> Labels(const Columns& x) {
  std::vector<int64_t> y;
  for (size_t i = 0; i < x[0].size(); ++i) {
    y.push_back(x[0][i] < 6.0f ? 0 : (x[1][i] < 5.0f ? 1 : 2));
  }
  return y;
}

ModelFile MakeModel() {
  const Columns x = TrainingColumns();
  TreeOptions o;
  o.max_depth = 3;
  o.random_state = 7;
  auto tree = FitDecisionTree(x, Labels(x), o);
  EXPECT_TRUE(tree.ok()) << tree.status().ToString();
  auto model = MakeModelFile(std::move(tree).value(), {"income", "debt"}, x,
                             std::string(64, 'a'), o, "sluice 0.1.0-test", 1700000000123);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return std::move(model).value();
}

std::string ToJson(const ModelFile& m) {
  auto text = ModelToJson(m);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? *text : std::string();
}

uint64_t Bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

TEST(ModelFileTest, RoundTripThroughDiskPredictsIdentically) {
  auto dir = TempDir::Create("sluice-model-test-");
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  const ModelFile m = MakeModel();
  const auto path = dir->path() / "model.json";
  ASSERT_TRUE(SaveModel(path, m).ok());

  auto loaded = LoadModel(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->features, m.features);
  EXPECT_EQ(loaded->tree.classes(), m.tree.classes());
  EXPECT_EQ(loaded->tree.arrays().children_left, m.tree.arrays().children_left);
  EXPECT_EQ(loaded->tree.arrays().feature, m.tree.arrays().feature);
  EXPECT_EQ(loaded->tree.arrays().threshold, m.tree.arrays().threshold);
  EXPECT_EQ(loaded->tree.arrays().value, m.tree.arrays().value);
  EXPECT_EQ(loaded->tree.FeatureImportances(), m.tree.FeatureImportances());

  const Columns x = TrainingColumns();
  auto before = m.tree.PredictProba(x);
  auto after = loaded->tree.PredictProba(x);
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(*before, *after);
  EXPECT_EQ(*m.tree.Predict(x), *loaded->tree.Predict(x));

  const TrainingInfo& t = loaded->training;
  EXPECT_EQ(t.dataset_sha256, std::string(64, 'a'));
  EXPECT_EQ(t.rows, 60);
  EXPECT_EQ(t.options.max_depth, 3);
  EXPECT_EQ(t.options.random_state, 7u);
  EXPECT_EQ(t.library_version, "sluice 0.1.0-test");
  EXPECT_EQ(t.created_unix_ms, 1700000000123);
  ASSERT_EQ(t.distributions.size(), 2u);
  EXPECT_EQ(t.distributions[1].counts, m.training.distributions[1].counts);
  EXPECT_EQ(t.distributions[1].edges, m.training.distributions[1].edges);

  // Saving the loaded model gives the same bytes.
  EXPECT_EQ(ToJson(*loaded), ToJson(m));
}

TEST(ModelFileTest, DoublesSurviveBitForBit) {
  const std::vector<double> tricky = {80045.5,
                                      0.1,
                                      1.0 / 3.0,
                                      0.1 + 0.2,
                                      -0.0,
                                      std::numeric_limits<double>::denorm_min(),
                                      std::numeric_limits<double>::max(),
                                      static_cast<double>(16777217.0f) / 2 + 0.5,
                                      1e-300};
  // A caterpillar: every even node but the last splits into the next two.
  TreeArrays a;
  const size_t n = tricky.size();
  ASSERT_EQ(n % 2, 1u);
  for (size_t i = 0; i < n; ++i) {
    const bool internal = i % 2 == 0 && i + 2 < n;
    a.children_left.push_back(internal ? static_cast<int64_t>(i + 1) : TreeArrays::kLeaf);
    a.children_right.push_back(internal ? static_cast<int64_t>(i + 2) : TreeArrays::kLeaf);
    a.feature.push_back(internal ? 0 : TreeArrays::kUndefined);
    a.threshold.push_back(tricky[i]);
    a.impurity.push_back(tricky[n - 1 - i]);
    a.n_node_samples.push_back(1);
    a.weighted_n_node_samples.push_back(tricky[i]);
    a.value.push_back(tricky[i]);
  }
  auto tree = DecisionTree::FromArrays(a, {0}, 1);
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  TrainingInfo info;
  info.distributions = {SummarizeFeature(std::vector<double>{0.1, 80045.5})};
  const ModelFile m{{"x"}, std::move(tree).value(), info};

  const std::string text = ToJson(m);
  EXPECT_NE(text.find("80045.5"), std::string::npos);
  EXPECT_NE(text.find("0.1,"), std::string::npos) << "shortest form expected";
  auto loaded = ModelFromJson(text, "m.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(Bits(loaded->tree.arrays().threshold[i]), Bits(tricky[i])) << tricky[i];
    EXPECT_EQ(Bits(loaded->tree.arrays().impurity[i]), Bits(tricky[n - 1 - i]));
    EXPECT_EQ(Bits(loaded->tree.arrays().value[i]), Bits(tricky[i]));
  }
  EXPECT_EQ(Bits(loaded->training.distributions[0].mean),
            Bits(m.training.distributions[0].mean));
}

TEST(ModelFileTest, OtherSchemaVersionIsRejectedNamingBothVersions) {
  json j = json::parse(ToJson(MakeModel()));
  j["schemaVersion"] = 2;
  auto r = ModelFromJson(j.dump(), "old/model.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "old/model.json: model schemaVersion 2 is not supported; this version of sluice "
            "reads schemaVersion 1");
}

TEST(ModelFileTest, OtherFormatIsRejected) {
  json j = json::parse(ToJson(MakeModel()));
  j["format"] = "onnx";
  auto r = ModelFromJson(j.dump(), "m.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "m.json: field \"format\": is \"onnx\", expected \"sluice-model\" (not a sluice "
            "model file)");
}

TEST(ModelFileTest, CorruptJsonNamesFileAndPosition) {
  std::string text = ToJson(MakeModel());
  text.resize(text.size() / 2);
  auto r = ModelFromJson(text, "cut.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind("cut.json: not valid JSON: parse error at line ", 0), 0u)
      << r.status().message();

  auto garbage = ModelFromJson("[1, 2]", "a.json");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().message(),
            "a.json: not a sluice model file (expected a JSON object)");
}

// A path that names the wrong file must not print that file: nlohmann's own
// message would quote the bytes it stopped at.
TEST(ModelFileTest, ParseErrorsDoNotEchoTheFile) {
  auto r = ModelFromJson("{\"token\": \"hunter2-secret\n\"}", "secrets.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "secrets.json: not valid JSON: parse error at line 2, column 0: syntax error while "
            "parsing value - invalid string: control character U+000A (LF) must be escaped to "
            "\\u000A or \\n");

  r = ModelFromJson("PASSWORD=hunter2\n", "env.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find("PASSWORD"), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().find("hunter2"), std::string::npos) << r.status().message();

  // A number beyond double range is an error, not an escaping exception.
  r = ModelFromJson("{\"format\": 1e400}", "m.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "m.json: not valid JSON: number overflow: a number is too large for a double");
}

TEST(ModelFileTest, TruncatedArrayNamesTheField) {
  json j = json::parse(ToJson(MakeModel()));
  const size_t n = j["tree"]["threshold"].size();
  j["tree"]["threshold"].erase(n - 1);
  auto r = ModelFromJson(j.dump(), "m.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "m.json: field \"tree.threshold\": has " +
                                      std::to_string(n - 1) + " elements, expected " +
                                      std::to_string(n));
}

TEST(ModelFileTest, BadElementsAndMissingFieldsNameTheField) {
  const json good = json::parse(ToJson(MakeModel()));
  auto message = [](const json& j) {
    auto r = ModelFromJson(j.dump(), "m.json");
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.status().message();
  };
  json j = good;
  j["tree"]["feature"][0] = "income";
  EXPECT_EQ(message(j), "m.json: field \"tree.feature[0]\": expected an integer, found a string");
  j = good;
  j["tree"]["value"][1].erase(0);
  EXPECT_EQ(message(j), "m.json: field \"tree.value[1]\": has 2 elements, expected 3");
  j = good;
  j["training"].erase("dataset_sha256");
  EXPECT_EQ(message(j), "m.json: field \"training.dataset_sha256\": missing");
  j = good;
  j["training"]["feature_distributions"][1]["histogram"]["counts"] = 5;
  EXPECT_EQ(message(j),
            "m.json: field \"training.feature_distributions[1].histogram.counts\": expected an "
            "array, found a number");
}

TEST(ModelFileTest, ChildOutOfRangeIsRejectedByTreeChecks) {
  json j = json::parse(ToJson(MakeModel()));
  ASSERT_NE(j["tree"]["children_left"][0], -1);
  j["tree"]["children_left"][0] = 999;
  auto r = ModelFromJson(j.dump(), "m.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "m.json: field \"tree\": node 0 has a child id out of range");

  j = json::parse(ToJson(MakeModel()));
  j["tree"]["feature"][0] = 5;
  r = ModelFromJson(j.dump(), "m.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "m.json: field \"tree\": node 0 splits on feature 5 but there are 2 features");
}

TEST(ModelFileTest, LoadMissingFileIsIoError) {
  auto r = LoadModel("/nonexistent/sluice/model.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find("/nonexistent/sluice/model.json"), std::string::npos);
}

TEST(ModelFileTest, DistributionSummaryOfASmallColumn) {
  const std::vector<double> v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const FeatureDistribution d = SummarizeFeature(v);
  EXPECT_EQ(d.count, 11);
  EXPECT_EQ(d.min, 0.0);
  EXPECT_EQ(d.max, 10.0);
  EXPECT_EQ(d.mean, 5.0);
  EXPECT_DOUBLE_EQ(d.stddev, std::sqrt(10.0));  // numpy.std(range(11))
  // numpy.histogram(range(11), bins=10): the last bin is closed.
  EXPECT_EQ(d.edges, (std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(d.counts, (std::vector<int64_t>{1, 1, 1, 1, 1, 1, 1, 1, 1, 2}));
}

TEST(ModelFileTest, DistributionOfConstantAndEmptyColumns) {
  const FeatureDistribution c = SummarizeFeature(std::vector<double>{3, 3, 3});
  EXPECT_EQ(c.stddev, 0.0);
  EXPECT_EQ(c.edges.front(), 2.5);
  EXPECT_EQ(c.edges.back(), 3.5);
  EXPECT_EQ(c.counts, (std::vector<int64_t>{0, 0, 0, 0, 0, 3, 0, 0, 0, 0}));

  const FeatureDistribution e = SummarizeFeature({});
  EXPECT_EQ(e.count, 0);
  EXPECT_EQ(e.edges.size(), 11u);
  EXPECT_EQ(e.counts, std::vector<int64_t>(10, 0));
}

TEST(ModelFileTest, MakeModelFileChecksFeatureCount) {
  const Columns x = TrainingColumns();
  auto tree = FitDecisionTree(x, Labels(x), {});
  ASSERT_TRUE(tree.ok());
  auto m = MakeModelFile(std::move(tree).value(), {"only_one"}, x, "", {}, "v", 0);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::ml
