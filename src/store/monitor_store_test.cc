#include "store/monitor_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store.h"
#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using testing::MakeStateDir;
using testing::OpenOrDie;
using testing::SampleExecution;

constexpr int64_t kT0 = 1'700'000'000'000;

class MonitorStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_.path());
    ASSERT_NE(store_, nullptr);
  }
  void AddExecution(const std::string& pipeline, const std::string& status, int64_t duration_ms) {
    ExecutionRecord rec = SampleExecution(pipeline, kT0);
    rec.status = status;
    rec.ended_ms = duration_ms < 0 ? 0 : kT0 + duration_ms;
    ASSERT_TRUE(store_->CreateExecution(&rec).ok());
  }
  MonitorStore& monitor() { return store_->monitor(); }

  TempDir dir_ = MakeStateDir();
  std::unique_ptr<Store> store_;
};

TEST_F(MonitorStoreTest, PuttingACheckReplacesTheEarlierResultOfTheSameSubject) {
  ASSERT_TRUE(monitor().PutCheck({"staleness", "repo a", {{"age_days", 3}}, "e1", kT0}).ok());
  ASSERT_TRUE(monitor().PutCheck({"drift", "function f:live", {{"psi", 0.3}}, "", kT0}).ok());
  ASSERT_TRUE(monitor().PutCheck({"staleness", "repo a", {{"age_days", 9}}, "e2", kT0 + 5}).ok());
  auto checks = monitor().ListChecks();
  ASSERT_TRUE(checks.ok()) << checks.status().ToString();
  ASSERT_EQ(checks->size(), 2u);
  EXPECT_EQ((*checks)[0].kind, "drift");
  EXPECT_EQ((*checks)[1].kind, "staleness");
  EXPECT_EQ((*checks)[1].result["age_days"], 9);
  EXPECT_EQ((*checks)[1].execution_id, "e2");
  EXPECT_EQ((*checks)[1].checked_ms, kT0 + 5);
}

TEST_F(MonitorStoreTest, ACheckWithoutSubjectIsRefused) {
  Status s = monitor().PutCheck({"drift", "", {}, "", kT0});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
}

TEST_F(MonitorStoreTest, AlertStatesAreKeptReplacedListedAndForgotten) {
  EXPECT_EQ(monitor().GetAlertState("stale").status().code(), StatusCode::kNotFound);
  AlertStateRecord stale;
  stale.alert = "stale";
  stale.firing = true;
  stale.since_ms = kT0;
  stale.episode = 1;
  stale.notified = false;
  stale.summary = "9.0 days since the last change";
  stale.value = {{"age_days", 9}};
  stale.evaluated_ms = kT0;
  ASSERT_TRUE(monitor().PutAlertState(stale).ok());
  stale.notified = true;
  stale.error = "";
  stale.evaluated_ms = kT0 + 60'000;
  ASSERT_TRUE(monitor().PutAlertState(stale).ok());
  AlertStateRecord errors;
  errors.alert = "errors";
  errors.error = "no such function";
  ASSERT_TRUE(monitor().PutAlertState(errors).ok());

  auto got = monitor().GetAlertState("stale");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(got->firing);
  EXPECT_TRUE(got->notified);
  EXPECT_EQ(got->episode, 1);
  EXPECT_EQ(got->since_ms, kT0);
  EXPECT_EQ(got->evaluated_ms, kT0 + 60'000);
  EXPECT_EQ(got->summary, "9.0 days since the last change");
  EXPECT_EQ(got->value["age_days"], 9);
  auto all = monitor().ListAlertStates();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].alert, "errors");
  EXPECT_EQ((*all)[0].error, "no such function");

  ASSERT_TRUE(monitor().DeleteAlertState("stale").ok());
  ASSERT_TRUE(monitor().DeleteAlertState("never").ok());
  EXPECT_EQ(monitor().ListAlertStates()->size(), 1u);
  EXPECT_EQ(monitor().PutAlertState({}).code(), StatusCode::kInvalidArgument);
}

TEST_F(MonitorStoreTest, ExecutionStatsCountByPipelineAndStatusAndBucketDurations) {
  AddExecution("train", "Success", 500);
  AddExecution("train", "Success", 2'000);
  AddExecution("train", "Failed", 70'000);
  AddExecution("deploy", "Running", -1);
  auto stats = monitor().GetExecutionStats({1'000, 60'000});
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  ASSERT_EQ(stats->counts.size(), 3u);
  EXPECT_EQ(stats->counts[0].pipeline_id, "deploy");
  EXPECT_EQ(stats->counts[1].status, "Failed");
  EXPECT_EQ(stats->counts[2].status, "Success");
  EXPECT_EQ(stats->counts[2].count, 2);
  // The running execution has no duration yet.
  ASSERT_EQ(stats->durations.size(), 1u);
  const ExecutionDurations& d = stats->durations[0];
  EXPECT_EQ(d.pipeline_id, "train");
  EXPECT_EQ(d.count, 3);
  EXPECT_EQ(d.sum_ms, 72'500);
  EXPECT_EQ(d.at_most, (std::vector<int64_t>{1, 2}));
}

}  // namespace
}  // namespace sluice::store
