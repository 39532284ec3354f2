// /metrics' text from a real store (executions, checks) and invocations run
// by the real function runtime, checked line by line.
#include "monitor/metrics.h"

#include <gtest/gtest.h>

#include "common/files.h"
#include "monitor/drift.h"
#include "monitor/exposition_test_util.h"
#include "monitor/staleness.h"
#include "serve/function_runtime.h"
#include "serve/test_runtime.h"
#include "store/store.h"

namespace sluice::monitor {
namespace {

using testing::CheckExposition;
using testing::ParsedSample;

constexpr int64_t kT0 = 1'704'067'200'000;

class PrometheusMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-metrics-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
    store_ = std::move(store::Store::Open(dir_->path()).value());
  }

  void AddExecutions(const std::string& pipeline, const std::string& status, int n,
                     int64_t duration_ms) {
    for (int i = 0; i < n; ++i) {
      store::ExecutionRecord rec;
      rec.pipeline_id = pipeline;
      rec.status = status;
      rec.started_ms = kT0 + i;
      rec.ended_ms = duration_ms < 0 ? 0 : kT0 + i + duration_ms;
      ASSERT_TRUE(store_->CreateExecution(&rec).ok());
    }
  }

  std::vector<ParsedSample> Scrape(const InvocationMetrics* invocations) {
    auto text = BuildMetrics(store_->monitor(), invocations);
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    if (!text.ok()) return {};
    std::vector<ParsedSample> samples;
    for (const std::string& problem : CheckExposition(*text, &samples)) {
      ADD_FAILURE() << problem << "\n" << *text;
    }
    return samples;
  }

  static const ParsedSample* Find(const std::vector<ParsedSample>& samples, const std::string& name,
                                  const std::map<std::string, std::string>& labels) {
    for (const auto& s : samples) {
      if (s.name == name && s.labels == labels) return &s;
    }
    return nullptr;
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(PrometheusMetricsTest, ExecutionsAreCountedByPipelineAndStatusWithDurationHistograms) {
  AddExecutions("train", "Success", 300, 2'000);
  AddExecutions("train", "Failed", 20, 400'000);
  AddExecutions("deploy", "Running", 5, -1);
  auto samples = Scrape(nullptr);
  ASSERT_NE(Find(samples, "sluice_executions", {{"pipeline", "train"}, {"status", "Success"}}),
            nullptr);
  EXPECT_EQ(
      Find(samples, "sluice_executions", {{"pipeline", "train"}, {"status", "Success"}})->value,
      300);
  EXPECT_EQ(
      Find(samples, "sluice_executions", {{"pipeline", "deploy"}, {"status", "Running"}})->value,
      5);
  const auto* le5 = Find(samples, "sluice_execution_duration_seconds_bucket",
                         {{"pipeline", "train"}, {"le", "5"}});
  ASSERT_NE(le5, nullptr);
  EXPECT_EQ(le5->value, 300);
  EXPECT_EQ(Find(samples, "sluice_execution_duration_seconds_bucket",
                 {{"pipeline", "train"}, {"le", "+Inf"}})
                ->value,
            320);
  EXPECT_EQ(Find(samples, "sluice_execution_duration_seconds_sum", {{"pipeline", "train"}})->value,
            300 * 2 + 20 * 400);
  // Running executions have no duration yet.
  EXPECT_EQ(Find(samples, "sluice_execution_duration_seconds_count", {{"pipeline", "deploy"}}),
            nullptr);
}

TEST_F(PrometheusMetricsTest, TheLatestChecksBecomeGauges) {
  StalenessReport stale = AssessStaleness("cc\"model", {"abc", "Dana", "m", kT0}, 7,
                                          kT0 + 9 * 86'400'000, std::nullopt);
  ASSERT_TRUE(RecordStaleness(store_->monitor(), stale, "").ok());
  DriftReport drift;
  drift.model = "cc\"model";
  drift.status = "drift";
  drift.drifted = true;
  drift.max_psi = 0.4;
  drift.rate_shift = 0.2;
  drift.samples = 500;
  drift.features = {{"Income", 500, 0.4, "drift"}, {"Own_Car", 10, 0, "insufficient_data"}};
  drift.checked_ms = kT0;
  ASSERT_TRUE(RecordDrift(store_->monitor(), drift, "").ok());
  auto samples = Scrape(nullptr);
  const std::map<std::string, std::string> model = {{"model", "cc\"model"}};
  EXPECT_EQ(Find(samples, "sluice_model_stale", model)->value, 1);
  EXPECT_DOUBLE_EQ(Find(samples, "sluice_model_age_days", model)->value, 9);
  EXPECT_EQ(Find(samples, "sluice_model_last_updated_timestamp_seconds", model)->value, kT0 / 1000);
  EXPECT_EQ(Find(samples, "sluice_model_drifted", model)->value, 1);
  EXPECT_DOUBLE_EQ(
      Find(samples, "sluice_model_drift_psi", {{"model", "cc\"model"}, {"feature", "Income"}})
          ->value,
      0.4);
  // A feature without enough samples has no PSI to show.
  EXPECT_EQ(
      Find(samples, "sluice_model_drift_psi", {{"model", "cc\"model"}, {"feature", "Own_Car"}}),
      nullptr);
  EXPECT_DOUBLE_EQ(Find(samples, "sluice_model_approval_rate_shift", model)->value, 0.2);
}

TEST_F(PrometheusMetricsTest, AlertStatesBecomeGauges) {
  store::AlertStateRecord stale;
  stale.alert = "stale";
  stale.firing = true;
  stale.episode = 3;
  ASSERT_TRUE(store_->monitor().PutAlertState(stale).ok());
  store::AlertStateRecord errors;
  errors.alert = "errors";
  errors.episode = 1;
  ASSERT_TRUE(store_->monitor().PutAlertState(errors).ok());
  auto samples = Scrape(nullptr);
  EXPECT_EQ(Find(samples, "sluice_alert_firing", {{"alert", "stale"}})->value, 1);
  EXPECT_EQ(Find(samples, "sluice_alert_firing", {{"alert", "errors"}})->value, 0);
  EXPECT_EQ(Find(samples, "sluice_alert_episodes", {{"alert", "stale"}})->value, 3);
}

TEST_F(PrometheusMetricsTest, InvocationsTheRuntimeRanAreCountedPerFunctionAndVersion) {
  if (!serve::testing::HavePython()) GTEST_SKIP() << "needs /usr/bin/python3";
  store::FunctionConfig config;
  config.timeout_s = 10;
  ASSERT_TRUE(store_->functions().PutFunction("cc", config, kT0).ok());
  InvocationMetrics metrics;
  serve::RuntimeOptions options;
  options.state_dir = dir_->path();
  options.instance_spec = serve::testing::TestInstanceSpec;
  options.observe = [&metrics](const serve::InvocationEvent& e) {
    metrics.Observe(e.function, e.version, static_cast<double>(e.latency.count()) / 1e6,
                    e.status != 200 || !e.error_type.empty());
  };
  auto runtime = serve::FunctionRuntime::Start(*store_, options);
  ASSERT_TRUE(runtime.ok()) << runtime.status().ToString();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*runtime)->InvokeAndWait({"cc", "", R"({"Income": 1})", "", "", false}).status, 200);
  }
  auto failed = (*runtime)->InvokeAndWait({"cc", "", R"({"error": "boom"})", "", "", false});
  EXPECT_FALSE(failed.function_error.empty()) << failed.body;
  (*runtime)->Shutdown();
  auto samples = Scrape(&metrics);
  const std::map<std::string, std::string> key = {{"function", "cc"}, {"version", "$LATEST"}};
  ASSERT_NE(Find(samples, "sluice_function_invocations_total", key), nullptr);
  EXPECT_EQ(Find(samples, "sluice_function_invocations_total", key)->value, 4);
  EXPECT_EQ(Find(samples, "sluice_function_errors_total", key)->value, 1);
  EXPECT_EQ(Find(samples, "sluice_function_invocation_duration_seconds_count", {{"function", "cc"}})
                ->value,
            4);
  EXPECT_EQ(Find(samples, "sluice_function_invocation_duration_seconds_bucket",
                 {{"function", "cc"}, {"le", "+Inf"}})
                ->value,
            4);
}

}  // namespace
}  // namespace sluice::monitor
