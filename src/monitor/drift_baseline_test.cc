#include "monitor/drift_baseline.h"

#include <gtest/gtest.h>

namespace sluice::monitor {
namespace {

constexpr char kBaseline[] = R"({
  "format": "sluice-drift-baseline", "schemaVersion": 1, "rows": 10,
  "features": [
    {"name": "Income", "kind": "numeric", "edges": [10, 20], "shares": [0.2, 0.5, 0.3]},
    {"name": "Own_Car", "kind": "categorical", "categories": [0, 1], "shares": [0.4, 0.6]}],
  "prediction": {"positive_rate": 0.45, "label_positive_rate": 0.5}})";

TEST(DriftBaselineTest, ReadsBinsAndPlacesValuesInThem) {
  auto b = DriftBaselineFromJson(kBaseline, "model.drift.json");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(b->features.size(), 2u);
  const FeatureBaseline& income = b->features[0];
  EXPECT_EQ(income.BinOf(9.9), 0u);
  EXPECT_EQ(income.BinOf(10), 1u);  // edges open the bin above them
  EXPECT_EQ(income.BinOf(25), 2u);
  const FeatureBaseline& car = b->features[1];
  EXPECT_EQ(car.BinOf(1), 1u);
  EXPECT_EQ(car.BinOf(7), 2u);  // an unseen category
  EXPECT_EQ(car.ExpectedShares(), (std::vector<double>{0.4, 0.6, 0}));
  EXPECT_DOUBLE_EQ(b->positive_rate, 0.45);
  // And it writes what it reads.
  auto again = DriftBaselineFromJson(DriftBaselineJson(*b).dump(), "x");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->features[0].edges, income.edges);
}

TEST(DriftBaselineTest, ErrorsNameTheFileAndTheField) {
  std::string bad = kBaseline;
  bad.replace(bad.find("[0.2, 0.5, 0.3]"), 15, "[0.2, 0.5]");
  auto r = DriftBaselineFromJson(bad, "model.drift.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("model.drift.json: features[0] (Income): \"shares\" has 2"),
            std::string::npos)
      << r.status().message();
  auto model = DriftBaselineFromJson(R"({"format": "sluice-model"})", "model.json");
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("drift baseline"), std::string::npos);
}

TEST(DriftBaselineTest, SitsBesideTheModel) {
  EXPECT_EQ(DriftBaselinePathFor("models/model.json"), "models/model.drift.json");
}

}  // namespace
}  // namespace sluice::monitor
