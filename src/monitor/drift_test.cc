// Drift on synthetic traffic recorded as the function runtime records it.
#include "monitor/drift.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/files.h"
#include "store/store.h"

namespace sluice::monitor {
namespace {

constexpr int64_t kNow = 1'704'067'200'000;

// Training: Income uniform on [20000, 100000), cut at its deciles; Own_Car
// half and half; the model approves Income >= 60000 (half the rows).
DriftBaseline Baseline() {
  DriftBaseline b;
  b.rows = 1000;
  FeatureBaseline income{"Income", false, {}, {}, {}};
  for (int i = 1; i < 10; ++i) income.edges.push_back(20000 + 8000 * i);
  income.shares.assign(10, 0.1);
  FeatureBaseline car{"Own_Car", true, {}, {0, 1}, {0.5, 0.5}};
  b.features = {income, car};
  b.positive_rate = 0.5;
  b.label_positive_rate = 0.5;
  return b;
}

// A deterministic stream of numbers in [0, 1).
class Lcg {
 public:
  double Next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state_ >> 11) / 9007199254740992.0;
  }

 private:
  uint64_t state_ = 42;
};

class DriftTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-drift-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
    store_ = std::move(store::Store::Open(dir_->path()).value());
    ASSERT_TRUE(store_->functions().PutFunction("cc", {}, kNow).ok());
  }

  // Records `n` invocations through alias live; income_shift moves Income,
  // car_share is the share owning a car.
  void Record(int n, double income_shift, double car_share, const std::string& qualifier = "live") {
    std::vector<store::InvocationRecord> batch;
    for (int i = 0; i < n; ++i) {
      const double income = std::floor(20000 + 80000 * rng_.Next() + income_shift);
      const int car = rng_.Next() < car_share ? 1 : 0;
      store::InvocationRecord r;
      r.function = "cc";
      r.qualifier = qualifier;
      r.version = "1";
      r.started_ms = kNow - 1000 + i;
      r.input = nlohmann::json{{"Income", income}, {"Own_Car", car}, {"Num_Children", 1}}.dump();
      const int prediction = income >= 60000 ? 1 : 0;
      r.output = nlohmann::json{{"statusCode", 200},
                                {"body", nlohmann::json{{"prediction", prediction}}.dump()}}
                     .dump();
      batch.push_back(std::move(r));
    }
    ASSERT_TRUE(store_->functions().AddInvocations(&batch, 0).ok());
  }

  Result<DriftReport> Check(const std::string& qualifier = "live") {
    DriftCheck check;
    check.model = "cc";
    check.function = "cc";
    check.qualifier = qualifier;
    check.baseline = Baseline();
    FakeClock clock(kNow);
    return CheckDrift(check, store_->functions(), clock);
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<store::Store> store_;
  Lcg rng_;
};

TEST(PsiTest, IsZeroForTheSameSharesAndFloorsEmptyBins) {
  EXPECT_DOUBLE_EQ(Psi({0.5, 0.5}, {0.5, 0.5}, 1e-4), 0);
  const double expected = (0.9 - 0.5) * std::log(0.9 / 0.5) + (0.1 - 0.5) * std::log(0.1 / 0.5);
  EXPECT_NEAR(Psi({0.5, 0.5}, {0.9, 0.1}, 1e-4), expected, 1e-12);
  EXPECT_TRUE(std::isfinite(Psi({0.5, 0.5, 0}, {0.5, 0.4, 0.1}, 1e-4)));
}

TEST_F(DriftTest, TrafficLikeTheTrainingDataIsNotDrift) {
  Record(2000, 0, 0.5);
  auto r = Check();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, "ok") << DriftJson(*r).dump();
  EXPECT_FALSE(r->drifted);
  EXPECT_EQ(r->samples, 2000);
  EXPECT_LT(r->max_psi, 0.1);
  EXPECT_LT(std::fabs(r->rate_shift), 0.05);
}

TEST_F(DriftTest, ShiftedTrafficIsDriftPerFeatureAndInTheApprovalRate) {
  Record(2000, 30000, 0.9);
  auto r = Check();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, "drift");
  EXPECT_TRUE(r->drifted);
  nlohmann::json j = DriftJson(*r);
  EXPECT_EQ(j["features"]["Income"]["status"], "drift") << j.dump();
  EXPECT_EQ(j["features"]["Own_Car"]["status"], "drift") << j.dump();
  EXPECT_GT(j["approval_rate"]["shift"].get<double>(), 0.2);
  EXPECT_GT(r->max_psi, 0.25);
}

TEST_F(DriftTest, OnlyTheAskedQualifiersTrafficCounts) {
  Record(2000, 0, 0.5, "live");
  Record(2000, 30000, 0.9, "canary");
  EXPECT_EQ(Check("live")->status, "ok");
  EXPECT_EQ(Check("canary")->status, "drift");
}

TEST_F(DriftTest, TooFewRecordsIsInsufficientDataNotDrift) {
  Record(50, 30000, 0.9);
  auto r = Check();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, "insufficient_data");
  EXPECT_FALSE(r->drifted);
}

TEST_F(DriftTest, ErrorsAndUnreadableRecordsAreSkipped) {
  std::vector<store::InvocationRecord> batch(3);
  for (auto& r : batch) {
    r.function = "cc";
    r.qualifier = "live";
    r.started_ms = kNow;
  }
  batch[0].status = 500;
  batch[1].error_type = "Function.Unhandled";
  batch[2].input = "not json";
  ASSERT_TRUE(store_->functions().AddInvocations(&batch, 0).ok());
  auto r = Check();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->samples, 0);
  EXPECT_EQ(r->skipped, 1);  // errors are not traffic to judge; bad JSON is skipped
}

TEST_F(DriftTest, AnUnknownFunctionIsNotFound) {
  DriftCheck check;
  check.function = "nope";
  check.baseline = Baseline();
  FakeClock clock(kNow);
  EXPECT_EQ(CheckDrift(check, store_->functions(), clock).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice::monitor
