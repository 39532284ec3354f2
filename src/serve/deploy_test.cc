#include "serve/deploy.h"

#include <gtest/gtest.h>

#include "store/store_test_util.h"

namespace sluice::serve {
namespace {

class DeployTest : public ::testing::Test {
 protected:
  store::FunctionStore& fns() { return store_->functions(); }

  DeployPlan Plan(const std::string& image, std::vector<std::string> aliases = {"live"},
                  bool canary = false) {
    DeployPlan p;
    p.function = "ccapproval";
    p.config.image = image;
    p.config.image_digest = "sha256:" + std::string(64, image.back());
    p.aliases = std::move(aliases);
    p.canary = canary;
    return p;
  }
  DeployRecord DeployOrDie(const DeployPlan& plan) {
    auto r = Deploy(fns(), plan, ++now_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : DeployRecord{};
  }
  store::FunctionAliasRecord Alias(const std::string& name = "live") {
    auto a = fns().GetAlias("ccapproval", name);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? *a : store::FunctionAliasRecord{};
  }

  TempDir dir_ = store::testing::MakeStateDir();
  std::unique_ptr<store::Store> store_ = store::testing::OpenOrDie(dir_.path());
  int64_t now_ = 1'000;
};

TEST_F(DeployTest, AFirstDeployCreatesPublishesAndPointsTheAlias) {
  DeployRecord r = DeployOrDie(Plan("img:1"));
  EXPECT_TRUE(r.created);
  EXPECT_EQ(r.version, 1);
  EXPECT_TRUE(r.new_version);
  ASSERT_EQ(r.aliases.size(), 1u);
  EXPECT_FALSE(r.aliases[0].existed);
  EXPECT_EQ(Alias().version, 1);
  EXPECT_EQ(fns().GetFunction("ccapproval")->latest.image, "img:1");
}

TEST_F(DeployTest, AnUnchangedConfigurationKeepsItsVersionAndAChangedOneMovesTheAlias) {
  DeployOrDie(Plan("img:1"));
  DeployRecord same = DeployOrDie(Plan("img:1"));
  EXPECT_FALSE(same.created);
  EXPECT_EQ(same.version, 1);
  EXPECT_FALSE(same.new_version);
  DeployRecord next = DeployOrDie(Plan("img:2"));
  EXPECT_EQ(next.version, 2);
  EXPECT_TRUE(next.aliases[0].existed);
  EXPECT_EQ(next.aliases[0].alias.version, 1);
  EXPECT_EQ(Alias().version, 2);
}

TEST_F(DeployTest, ACanaryPublishesAndTrafficShiftsInSteps) {
  DeployOrDie(Plan("img:1"));
  DeployRecord canary = DeployOrDie(Plan("img:2", {"live"}, /*canary=*/true));
  EXPECT_EQ(canary.version, 2);
  EXPECT_EQ(Alias().version, 1);
  EXPECT_FALSE(Alias().additional_version);

  ASSERT_TRUE(ShiftTraffic(fns(), "ccapproval", "live", 2, 10, ++now_).ok());
  EXPECT_EQ(Alias().version, 1);
  EXPECT_EQ(Alias().additional_version, 2);
  EXPECT_DOUBLE_EQ(Alias().additional_weight, 0.10);
  ASSERT_TRUE(ShiftTraffic(fns(), "ccapproval", "live", 2, 50, ++now_).ok());
  EXPECT_DOUBLE_EQ(Alias().additional_weight, 0.5);
  ASSERT_TRUE(ShiftTraffic(fns(), "ccapproval", "live", 2, 100, ++now_).ok());
  EXPECT_EQ(Alias().version, 2);
  EXPECT_FALSE(Alias().additional_version);
  EXPECT_EQ(ShiftTraffic(fns(), "ccapproval", "live", 2, 120, ++now_).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(DeployTest, RollbackRestoresAliasesAndLatestAndDeletesWhatItCreated) {
  DeployRecord first = DeployOrDie(Plan("img:1"));
  DeployRecord second = DeployOrDie(Plan("img:2", {"live", "beta"}));
  EXPECT_EQ(Alias("beta").version, 2);
  // The record survives a trip through JSON (it is kept in a step's output).
  auto restored = DeployRecord::FromJson(second.ToJson());
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  ASSERT_TRUE(Rollback(fns(), *restored, ++now_).ok());
  EXPECT_EQ(Alias().version, 1);
  EXPECT_EQ(fns().GetAlias("ccapproval", "beta").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fns().GetFunction("ccapproval")->latest.image, "img:1");
  EXPECT_EQ(fns().ListVersions("ccapproval")->size(), 2u) << "versions are immutable";

  ASSERT_TRUE(Rollback(fns(), first, ++now_).ok());
  EXPECT_EQ(fns().GetFunction("ccapproval").status().code(), StatusCode::kNotFound);
}

TEST_F(DeployTest, AMalformedRecordIsAnError) {
  EXPECT_EQ(DeployRecord::FromJson(nlohmann::json::object()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(DeployRecord::FromJson({{"function", "f"}, {"version", "x"}}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::serve
