#include "monitor/staleness.h"

#include <gtest/gtest.h>

#include "common/files.h"
#include "store/store.h"

namespace sluice::monitor {
namespace {

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kNow = 1'704'067'200'000 + 10 * kDay;  // 2024-01-11

CommitInfo CommitAt(int64_t ms) { return {"abc123", "Dana", "retrain", ms}; }

TEST(StalenessTest, AModelOlderThanTheLimitIsStale) {
  StalenessReport r = AssessStaleness("cc", CommitAt(kNow - 9 * kDay), 7, kNow, std::nullopt);
  EXPECT_TRUE(r.stale);
  EXPECT_DOUBLE_EQ(r.age_days, 9);
  nlohmann::json j = StalenessJson(r);
  EXPECT_EQ(j["last_updated"], "2024-01-02T00:00:00Z");
  EXPECT_EQ(j["model_stale"], true);
  EXPECT_EQ(j["commit"]["message"], "retrain");
  EXPECT_FALSE(j.contains("serving"));
  EXPECT_FALSE(AssessStaleness("cc", CommitAt(kNow - 6 * kDay), 7, kNow, std::nullopt).stale);
}

class ServingVersionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-staleness-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
    store_ = std::move(store::Store::Open(dir_->path()).value());
    store::FunctionConfig config;
    config.image = "ccapproval-deploy:1";
    ASSERT_TRUE(fns().PutFunction("cc", config, kNow - 8 * kDay).ok());
    ASSERT_TRUE(fns().PublishVersion("cc", "v1", kNow - 8 * kDay).ok());
    config.image = "ccapproval-deploy:2";
    ASSERT_TRUE(fns().PutFunction("cc", config, kNow - 2 * kDay).ok());
    store::FunctionAliasRecord alias;
    alias.function = "cc";
    alias.name = "live";
    alias.version = 1;
    ASSERT_TRUE(fns().PutAlias(alias, kNow).ok());
  }
  store::FunctionStore& fns() { return store_->functions(); }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(ServingVersionTest, AnAliasServesItsVersionAndLatestItsLastWrite) {
  auto live = ServingVersionOf(fns(), "cc", "live");
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  EXPECT_EQ(live->version, "1");
  EXPECT_EQ(live->created_ms, kNow - 8 * kDay);
  auto latest = ServingVersionOf(fns(), "cc", "");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version, "$LATEST");
  EXPECT_EQ(latest->created_ms, kNow - 2 * kDay);
  EXPECT_EQ(ServingVersionOf(fns(), "cc", "canary").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ServingVersionOf(fns(), "nope", "").status().code(), StatusCode::kNotFound);
}

TEST_F(ServingVersionTest, AServingVersionOlderThanTheChangeIsBehind) {
  auto live = ServingVersionOf(fns(), "cc", "live");
  ASSERT_TRUE(live.ok());
  StalenessReport r = AssessStaleness("cc", CommitAt(kNow - 3 * kDay), 7, kNow, *live);
  EXPECT_FALSE(r.stale);
  EXPECT_TRUE(r.serving_behind);
  EXPECT_DOUBLE_EQ(r.serving_age_days, 8);
  EXPECT_EQ(StalenessJson(r)["serving"]["version"], "1");
  ASSERT_TRUE(RecordStaleness(store_->monitor(), r, "exec1").ok());
  auto checks = store_->monitor().ListChecks();
  ASSERT_EQ(checks->size(), 1u);
  EXPECT_EQ((*checks)[0].subject, "cc");
  EXPECT_EQ((*checks)[0].kind, "staleness");
}

}  // namespace
}  // namespace sluice::monitor
