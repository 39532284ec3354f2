#include "train.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.h"
#include "common/files.h"
#include "generator.h"
#include "ml/model_file.h"

namespace ccapproval {
namespace {

constexpr std::string_view kConfig =
    "data:\n"
    "  load_file_path: 'data/cc.csv'\n"
    "model:\n"
    "  save_file_path: 'out/model.json'\n"
    "  save_metrics_file_path: 'out/metrics.json'\n";

// The seed-54 figures of ../shared/reference/credit-card-data-and-tree.md
// (section 4.1, scikit-learn 1.2.1 on the same data and split), to the
// precision printed there.
TEST(TrainTest, Seed54MatchesReferenceFiguresAndSavesLoadableModel) {
  auto dir = sluice::TempDir::Create("ccapproval-train-");
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  const std::filesystem::path root = dir->path();
  ASSERT_TRUE(sluice::MakeDirs(root / "data").ok());
  ASSERT_TRUE(GenerateCsvFile(54, 500000, root / "data" / "cc.csv").ok());
  ASSERT_TRUE(sluice::WriteFileAtomic(root / "config.yml", kConfig).ok());

  auto config = LoadTrainConfig(root / "config.yml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->metrics_file, root / "out" / "metrics.json");
  sluice::FakeClock clock(1'700'000'000'000);
  auto outcome = Train(*config, clock);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_EQ(outcome->train_rows, 400000);
  EXPECT_EQ(outcome->test_rows, 100000);

  const ModelEvaluation& unaware = outcome->selected;
  const ModelEvaluation& baseline = outcome->baseline;
  EXPECT_NEAR(unaware.test.accuracy, 0.92669, 5e-6);
  EXPECT_NEAR(unaware.test.precision, 0.92802, 5e-6);
  EXPECT_NEAR(unaware.test.recall, 0.87748, 5e-6);
  EXPECT_NEAR(unaware.test.f1, 0.90205, 5e-6);
  EXPECT_NEAR(unaware.train.accuracy, 0.92675, 5e-6);
  EXPECT_NEAR(baseline.test.accuracy, 0.94847, 5e-6);
  // Equal-opportunity gaps: |round(tpr_0, 2) - round(tpr_1, 2)|.
  EXPECT_NEAR(baseline.equal_opportunity_gap, 20.78, 1e-9);  // 97.89 - 77.11
  EXPECT_NEAR(unaware.equal_opportunity_gap, 7.35, 1e-9);    // 93.23 - 85.88
  EXPECT_NEAR(unaware.fairness.tpr_percent[0], 93.23, 0.005);
  EXPECT_NEAR(unaware.fairness.tpr_percent[1], 85.88, 0.005);
  EXPECT_EQ(unaware.fairness.total_approvals, 36373);
  EXPECT_EQ(baseline.fairness.total_approvals, 37945);
  const sluice::ml::ConfusionMatrix& g0 = baseline.fairness.confusion.by_group[0];
  EXPECT_EQ(g0.tn(), 39555);
  EXPECT_EQ(g0.fp(), 492);
  EXPECT_EQ(g0.fn(), 2233);
  EXPECT_EQ(g0.tp(), 7523);
  // The notebook's threshold variant (0.11 / 0.99), reference section 4.1.
  const ModelEvaluation& variant = outcome->threshold_variant;
  EXPECT_NEAR(variant.test.accuracy, 0.7963, 5e-5);
  EXPECT_NEAR(variant.fairness.tpr_percent[0], 100.0, 1e-9);
  EXPECT_NEAR(variant.fairness.tpr_percent[1], 63.97, 0.005);
  EXPECT_NEAR(variant.fairness.approval_share_percent[0], 51.86, 0.005);
  EXPECT_NEAR(variant.fairness.approval_share_percent[1], 48.14, 0.005);
  ASSERT_EQ(unaware.feature_importances.size(), 4u);
  EXPECT_NEAR(unaware.feature_importances[1], 0.9427, 5e-5);  // Income
  EXPECT_NEAR(unaware.feature_importances[3], 0.0573, 5e-5);  // Own_Housing

  auto model = sluice::ml::LoadModel(config->model_file);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_EQ(model->features,
            (std::vector<std::string>{"Num_Children", "Income", "Own_Car", "Own_Housing"}));
  EXPECT_EQ(model->training.rows, 400000);
  EXPECT_EQ(model->training.library_version, "sluice-ml 0.1");
  EXPECT_EQ(model->training.created_unix_ms, 1'700'000'000'000);
  EXPECT_EQ(model->training.dataset_sha256.size(), 64u);
  EXPECT_EQ(model->tree.depth(), 3);

  auto text = sluice::ReadFile(config->metrics_file);
  ASSERT_TRUE(text.ok()) << text.status().message();
  nlohmann::json metrics = nlohmann::json::parse(*text);
  EXPECT_EQ(metrics["selected_model"], "group_unaware");
  EXPECT_EQ(metrics["model_file"], "model.json");
  EXPECT_DOUBLE_EQ(metrics["test"]["accuracy"].get<double>(), unaware.test.accuracy);
  EXPECT_NEAR(metrics["fairness"]["equal_opportunity"]["gap_%"].get<double>(), 7.35, 1e-9);
  EXPECT_EQ(metrics["fairness"]["equal_opportunity"]["group_0_%"].get<double>(), 93.23);
  EXPECT_EQ(metrics["fairness"]["demographic_parity"]["group_0_%"].get<double>(), 31.81);
  EXPECT_EQ(metrics["fairness"]["confusion_matrix"]["group_0"],
            nlohmann::json::parse("[[" + std::to_string(unaware.fairness.confusion.by_group[0].tn()) +
                                  "," + std::to_string(unaware.fairness.confusion.by_group[0].fp()) +
                                  "],[" +
                                  std::to_string(unaware.fairness.confusion.by_group[0].fn()) + "," +
                                  std::to_string(unaware.fairness.confusion.by_group[0].tp()) +
                                  "]]"));
  EXPECT_TRUE(metrics["feature_importances"].contains("Income"));
  EXPECT_FALSE(metrics["feature_importances"].contains("Group"));
  EXPECT_NEAR(metrics["baseline"]["fairness"]["equal_opportunity"]["gap_%"].get<double>(), 20.78,
              1e-9);
  EXPECT_TRUE(metrics["baseline"]["feature_importances"].contains("Group"));
  EXPECT_EQ(metrics["threshold_variant"]["thresholds"]["group_0"].get<double>(), 0.11);
  EXPECT_EQ(metrics["threshold_variant"]["fairness"]["equal_opportunity"]["group_1_%"].get<double>(),
            sluice::ml::RoundLikePython(variant.fairness.tpr_percent[1], 2));
}

TEST(TrainTest, ConfigResolvesPathsAgainstItsFolder) {
  auto config = ParseTrainConfig(kConfig, "/proj/conf/config.yml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->data_file, "/proj/conf/data/cc.csv");
  EXPECT_EQ(config->model_file, "/proj/conf/out/model.json");
}

TEST(TrainTest, MetricsRecordTheModelRelativeToThemselves) {
  auto dir = sluice::TempDir::Create("ccapproval-train-");
  ASSERT_TRUE(dir.ok());
  const std::filesystem::path root = dir->path();
  ASSERT_TRUE(sluice::MakeDirs(root / "data").ok());
  ASSERT_TRUE(GenerateCsvFile(54, 2000, root / "data" / "cc.csv").ok());
  auto config = ParseTrainConfig(
      "data: {load_file_path: data/cc.csv}\n"
      "model: {save_file_path: models/m.json, save_metrics_file_path: out/metrics.json}\n",
      root / "config.yml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  sluice::FakeClock clock;
  ASSERT_TRUE(Train(*config, clock).ok());
  auto text = sluice::ReadFile(root / "out" / "metrics.json");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(nlohmann::json::parse(*text)["model_file"], "../models/m.json");
}

TEST(TrainTest, ConfigMissingKeyNamesFileAndKey) {
  auto config = ParseTrainConfig(
      "data:\n  load_file_path: a.csv\nmodel:\n  save_file_path: m.json\n", "conf/config.yml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            "conf/config.yml: missing key \"model.save_metrics_file_path\"");

  auto no_data = ParseTrainConfig("model: {}\n", "c.yml");
  ASSERT_FALSE(no_data.ok());
  EXPECT_EQ(no_data.status().message(), "c.yml: missing key \"data.load_file_path\"");
}

TEST(TrainTest, ConfigWrongTypePointsAtLineAndColumn) {
  auto config = ParseTrainConfig("data:\n  load_file_path: [a, b]\n", "c.yml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            "c.yml:2:19: key \"data.load_file_path\" must be a non-empty file path");
}

TEST(TrainTest, MissingDatasetIsAnError) {
  auto dir = sluice::TempDir::Create("ccapproval-train-");
  ASSERT_TRUE(dir.ok());
  auto config = ParseTrainConfig(kConfig, dir->path() / "config.yml");
  ASSERT_TRUE(config.ok());
  sluice::FakeClock clock;
  auto outcome = Train(*config, clock);
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.status().message().find("cc.csv"), std::string::npos)
      << outcome.status().message();
}

// Values the fit or the fairness figures cannot take are reported with the
// column name and the CSV line (the header is line 1), not a split index.
class TrainBadValueTest : public testing::Test {
 protected:
  void SetUp() override {
    auto dir = sluice::TempDir::Create("ccapproval-train-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<sluice::TempDir>(std::move(*dir));
    csv_ = dir_->path() / "cc.csv";
    message_prefix_ = csv_.string() + ":";
  }

  // Trains on `rows` (after the header) and returns the error message.
  std::string TrainError(const std::string& rows) {
    EXPECT_TRUE(sluice::WriteFileAtomic(
                    csv_, "Num_Children,Group,Income,Own_Car,Own_Housing,Target\n" + rows)
                    .ok());
    TrainConfig config{csv_, dir_->path() / "model.json", dir_->path() / "metrics.json"};
    sluice::FakeClock clock;
    auto outcome = Train(config, clock);
    EXPECT_FALSE(outcome.ok());
    return outcome.ok() ? "" : outcome.status().message();
  }

  std::unique_ptr<sluice::TempDir> dir_;
  std::filesystem::path csv_;
  std::string message_prefix_;  // "<csv path>:"
};

constexpr std::string_view kGoodRows =
    "1,0,41000.5,1,0,1\n"
    "0,1,12000.25,0,1,0\n"
    "2,0,53000.75,1,1,1\n";

TEST_F(TrainBadValueTest, FeatureBeyondFloat32NamesColumnAndLine) {
  const std::string message = TrainError(std::string(kGoodRows) + "\n0,1,5e39,0,1,0\n");
  EXPECT_EQ(message, message_prefix_ +
                         "6: column \"Income\" value 5e+39 is out of range for float32 (|x| <= "
                         "3.4028234663852886e+38), the type the trees are fitted on");
}

TEST_F(TrainBadValueTest, GroupOtherThanZeroOrOneNamesColumnAndLine) {
  EXPECT_EQ(TrainError("1,2,41000,1,0,1\n" + std::string(kGoodRows)),
            message_prefix_ + "2: column \"Group\" must be 0 or 1, found 2");
  EXPECT_EQ(TrainError(std::string(kGoodRows) + "1,0,41000,1,0,-1\n"),
            message_prefix_ + "5: column \"Target\" must be 0 or 1, found -1");
}

}  // namespace
}  // namespace ccapproval
