#include "drift_baseline.h"

#include <gtest/gtest.h>

#include "common/files.h"
#include "generator.h"
#include "ml/model_file.h"
#include "monitor/drift_baseline.h"
#include "train.h"

namespace ccapproval {
namespace {

TEST(TrainingDriftBaselineTest, BinaryFeaturesAreCategoriesAndOthersDeciles) {
  std::vector<float> income;
  for (int i = 0; i < 100; ++i) income.push_back(static_cast<float>(i));
  nlohmann::json b = MakeDriftBaseline({"Income", "Own_Car"}, {income, std::vector<float>(100, 1)},
                                       std::vector<int64_t>(100, 1), std::vector<int64_t>(100, 0));
  EXPECT_EQ(b["features"][0]["kind"], "numeric");
  EXPECT_EQ(b["features"][0]["edges"].size(), 9u);
  EXPECT_EQ(b["features"][0]["edges"][0], 10);
  EXPECT_EQ(b["features"][1]["categories"], nlohmann::json::array({1}));
  EXPECT_EQ(b["prediction"]["positive_rate"], 1.0);
  EXPECT_EQ(b["prediction"]["label_positive_rate"], 0.0);
  // sluice's reader takes what the example writes.
  auto read = sluice::monitor::DriftBaselineFromJson(b.dump(), "b.json");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->features[0].BinOf(9.5), 0u);
}

TEST(TrainingDriftBaselineTest, TrainingWritesItBesideAnUnchangedModel) {
  auto dir = sluice::TempDir::Create("ccapproval-drift-");
  ASSERT_TRUE(dir.ok());
  const std::filesystem::path root = dir->path();
  ASSERT_TRUE(sluice::MakeDirs(root / "data").ok());
  ASSERT_TRUE(GenerateCsvFile(54, 5000, root / "data" / "cc.csv").ok());
  auto config = ParseTrainConfig(
      "data: {load_file_path: data/cc.csv}\n"
      "model: {save_file_path: out/model.json, save_metrics_file_path: out/metrics.json}\n",
      root / "config.yml");
  ASSERT_TRUE(config.ok());
  sluice::FakeClock clock;
  ASSERT_TRUE(Train(*config, clock).ok());
  auto baseline = sluice::monitor::LoadDriftBaseline(root / "out" / "model.drift.json");
  ASSERT_TRUE(baseline.ok()) << baseline.status().message();
  ASSERT_EQ(baseline->features.size(), 4u);
  EXPECT_EQ(baseline->features[0].name, "Num_Children");
  EXPECT_FALSE(baseline->features[1].categorical);  // Income
  EXPECT_TRUE(baseline->features[2].categorical);   // Own_Car
  EXPECT_GT(baseline->positive_rate, 0.2);
  EXPECT_LT(baseline->positive_rate, 0.8);
  // The model file is the same format as before, loadable by its readers.
  EXPECT_TRUE(sluice::ml::LoadModel(root / "out" / "model.json").ok());
}

}  // namespace
}  // namespace ccapproval
