#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "store/function_store.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using testing::MakeStateDir;
using testing::OpenOrDie;
using testing::SampleFunctionConfig;

constexpr int64_t kT0 = 1'700'000'000'000;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A function "fn" with published versions 1, 2 and 3.
class FunctionAliasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_.path());
    ASSERT_NE(store_, nullptr);
    for (int i = 1; i <= 3; ++i) {
      ASSERT_TRUE(
          fns().PutFunction("fn", SampleFunctionConfig("img:" + std::to_string(i)), kT0).ok());
      ASSERT_TRUE(fns().PublishVersion("fn", "", kT0).ok());
    }
  }
  FunctionStore& fns() { return store_->functions(); }

  Status Put(const std::string& name, int64_t version, std::optional<int64_t> additional = {},
             double weight = 0) {
    return fns().PutAlias({.function = "fn",
                           .name = name,
                           .version = version,
                           .additional_version = additional,
                           .additional_weight = weight},
                          kT0 + 1);
  }

  TempDir dir_ = MakeStateDir();
  std::unique_ptr<Store> store_;
};

TEST_F(FunctionAliasTest, PutAliasStoresEveryFieldAndReplaces) {
  FunctionAliasRecord alias{.function = "fn",
                            .name = "live",
                            .version = 1,
                            .additional_version = 2,
                            .additional_weight = 0.03,
                            .description = "canary 3%",
                            .updated_ms = 1};
  ASSERT_TRUE(fns().PutAlias(alias, kT0 + 5).ok());
  auto got = fns().GetAlias("fn", "live");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  alias.updated_ms = kT0 + 5;  // set by the store
  EXPECT_EQ(got->function, alias.function);
  EXPECT_EQ(got->name, alias.name);
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->additional_version, 2);
  EXPECT_EQ(got->additional_weight, 0.03);
  EXPECT_EQ(got->description, "canary 3%");
  EXPECT_EQ(got->updated_ms, kT0 + 5);

  // Full promotion: one version, no routing.
  ASSERT_TRUE(Put("live", 2).ok());
  got = fns().GetAlias("fn", "live");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 2);
  EXPECT_FALSE(got->additional_version.has_value());
  EXPECT_EQ(got->additional_weight, 0);
}

TEST_F(FunctionAliasTest, WeightsZeroAndOneAreAccepted) {
  EXPECT_TRUE(Put("zero", 1, 2, 0.0).ok());
  EXPECT_TRUE(Put("one", 1, 2, 1.0).ok());
}

TEST_F(FunctionAliasTest, WeightOutOfRangeIsRefusedNamingIt) {
  for (double weight : {1.5, -0.1, std::numeric_limits<double>::quiet_NaN()}) {
    Status s = Put("live", 1, 2, weight);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << weight;
    EXPECT_TRUE(Contains(s.message(), "alias \"live\" of function \"fn\": additional weight"))
        << s.message();
    EXPECT_TRUE(Contains(s.message(), "out of range; give a share between 0 and 1")) << s.message();
  }
  EXPECT_EQ(fns().GetAlias("fn", "live").status().code(), StatusCode::kNotFound);
}

TEST_F(FunctionAliasTest, WeightWithoutAdditionalVersionIsRefused) {
  Status s = Put("live", 1, std::nullopt, 0.2);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(s.message(), "additional weight 0.2 is set without an additional version"))
      << s.message();
}

TEST_F(FunctionAliasTest, TheSameVersionTwiceIsRefused) {
  Status s = Put("live", 2, 2, 0.5);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(s.message(), "additional version 2 is the alias's own version"))
      << s.message();
}

TEST_F(FunctionAliasTest, MissingVersionIsNotFoundNamingIt) {
  Status s = Put("live", 9);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(s.message(), "function \"fn\" has no version 9")) << s.message();
  s = Put("live", 1, 8, 0.5);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(s.message(), "no version 8")) << s.message();
  EXPECT_EQ(fns().GetAlias("fn", "live").status().code(), StatusCode::kNotFound);
}

TEST_F(FunctionAliasTest, AliasOnLatestOrOfAMissingFunctionIsRefused) {
  Status latest = Put("live", 0);
  EXPECT_EQ(latest.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(latest.message(), "cannot point at $LATEST")) << latest.message();
  Status missing = fns().PutAlias({.function = "ghost", .name = "live", .version = 1}, kT0);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(missing.message(), "no function \"ghost\"")) << missing.message();
}

TEST_F(FunctionAliasTest, NamesThatReadAsVersionsAreRefused) {
  Status digits = Put("12", 1);
  EXPECT_EQ(digits.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(digits.message(), "\"12\" is all digits")) << digits.message();
  Status latest = Put("$LATEST", 1);
  EXPECT_EQ(latest.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(latest.message(), "\"$LATEST\" is reserved")) << latest.message();
  EXPECT_TRUE(fns().ListAliases("fn")->empty());
}

TEST_F(FunctionAliasTest, DeleteVersionIsRefusedWhileAnAliasPointsAtIt) {
  ASSERT_TRUE(Put("live", 1, 2, 0.1).ok());
  ASSERT_TRUE(Put("stable", 1).ok());
  Status primary = fns().DeleteVersion("fn", 1);
  EXPECT_EQ(primary.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(primary.message(), "aliases \"live\", \"stable\" point at it"))
      << primary.message();
  Status additional = fns().DeleteVersion("fn", 2);
  EXPECT_EQ(additional.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(additional.message(), "alias \"live\" points at it"))
      << additional.message();
  EXPECT_TRUE(fns().GetVersion("fn", 1).ok());

  ASSERT_TRUE(Put("live", 3).ok());
  Status freed = fns().DeleteVersion("fn", 2);
  EXPECT_TRUE(freed.ok()) << freed.ToString();
}

TEST_F(FunctionAliasTest, ListIsByNameAndDeleteRemoves) {
  ASSERT_TRUE(Put("prod", 1).ok());
  ASSERT_TRUE(Put("canary", 2).ok());
  auto all = fns().ListAliases("fn");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "canary");
  EXPECT_EQ((*all)[1].name, "prod");

  ASSERT_TRUE(fns().DeleteAlias("fn", "canary").ok());
  Status again = fns().DeleteAlias("fn", "canary");
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(again.message(), "function \"fn\" has no alias \"canary\""))
      << again.message();
  EXPECT_EQ(fns().ListAliases("fn")->size(), 1u);
}

}  // namespace
}  // namespace sluice::store
