#include "serve/function_runtime.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/clock.h"
#include "serve/deploy.h"
#include "serve/function_log.h"
#include "serve/test_runtime.h"
#include "store/store_test_util.h"

namespace sluice::serve {
namespace {

using namespace std::chrono_literals;

// Functions whose instances run src/serve/testdata/test_runtime.py (a
// standard-library Runtime API client) instead of an image; the store is
// the real SQLite one.
class FunctionRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::HavePython()) GTEST_SKIP() << "needs /usr/bin/python3";
    store_ = store::testing::OpenOrDie(dir_.path());
  }
  void TearDown() override {
    if (runtime_) runtime_->Shutdown();
  }

  void StartRuntime(RuntimeOptions o = {}) {
    o.state_dir = dir_.path();
    o.refresh = 0ms;  // every invocation sees the store as it is
    o.instance_spec = testing::TestInstanceSpec;
    auto runtime = FunctionRuntime::Start(*store_, o);
    ASSERT_TRUE(runtime.ok()) << runtime.status().ToString();
    runtime_ = std::move(*runtime);
  }

  store::FunctionConfig Config(const std::string& color) {
    store::FunctionConfig c;
    c.image = "test:" + color;
    c.image_digest = "sha256:" + std::string(64, 'a');
    c.env["COLOR"] = color;
    c.timeout_s = 10;
    c.reserved_concurrency = reserved_concurrency_;
    c.memory_mb = memory_mb_;
    return c;
  }

  DeployRecord DeployOrDie(const std::string& color, std::vector<std::string> aliases = {},
                           bool canary = false) {
    DeployPlan plan;
    plan.function = "fn";
    plan.config = Config(color);
    plan.aliases = std::move(aliases);
    plan.canary = canary;
    auto record = Deploy(store_->functions(), plan, DefaultClock().NowMillis());
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    return record.ok() ? *record : DeployRecord{};
  }

  InvokeResult Call(const std::string& qualifier, const nlohmann::json& event) {
    InvokeRequest r;
    r.function = "fn";
    r.qualifier = qualifier;
    r.payload = event.dump();
    return runtime_->InvokeAndWait(std::move(r));
  }

  std::string Log() {
    auto log = FunctionLogs::Tail(dir_.path() / "functions" / "logs", "fn", 1 << 20);
    return log.ok() ? *log : log.status().ToString();
  }

  int reserved_concurrency_ = -1;
  int memory_mb_ = 128;
  TempDir dir_ = store::testing::MakeStateDir();
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<FunctionRuntime> runtime_;
};

TEST_F(FunctionRuntimeTest, AnUnknownFunctionOrQualifierIsResourceNotFound) {
  StartRuntime();
  InvokeResult r = Call("", {{"echo", 1}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_type, "ResourceNotFoundException");
  EXPECT_NE(r.body.find("Function not found: arn:aws:lambda:us-east-1:000000000000:function:fn"),
            std::string::npos)
      << r.body;
  DeployOrDie("red");
  EXPECT_EQ(Call("live", {{"echo", 1}}).status, 404);
  EXPECT_EQ(Call("9", {{"echo", 1}}).status, 404);
}

TEST_F(FunctionRuntimeTest, LatestVersionsAndAliasesRunTheirOwnConfiguration) {
  StartRuntime();
  DeployOrDie("red", {"live"});
  DeployOrDie("blue");  // version 2; live stays on 1

  InvokeResult latest = Call("", {{"echo", "x"}});
  ASSERT_EQ(latest.status, 200) << latest.body;
  EXPECT_EQ(latest.executed_version, "$LATEST");
  EXPECT_EQ(nlohmann::json::parse(latest.body)["color"], "blue");
  EXPECT_FALSE(latest.request_id.empty());

  InvokeResult live = Call("live", {{"echo", "x"}});
  EXPECT_EQ(live.executed_version, "1");
  auto body = nlohmann::json::parse(live.body);
  EXPECT_EQ(body["color"], "red");
  EXPECT_EQ(body["version"], "1");
  EXPECT_EQ(body["arn"], "arn:aws:lambda:us-east-1:000000000000:function:fn:live");

  InvokeResult two = Call("2", {{"echo", "x"}});
  EXPECT_EQ(two.executed_version, "2");
  EXPECT_EQ(nlohmann::json::parse(two.body)["color"], "blue");
}

TEST_F(FunctionRuntimeTest, AWeightedAliasSplitsTrafficBetweenItsVersions) {
  StartRuntime();
  DeployRecord first = DeployOrDie("red", {"live"});
  DeployRecord second = DeployOrDie("blue", {"live"}, /*canary=*/true);
  ASSERT_TRUE(ShiftTraffic(store_->functions(), "fn", "live", second.version, 25,
                           DefaultClock().NowMillis())
                  .ok());
  const int n = 400;
  int blue = 0;
  for (int i = 0; i < n; ++i) {
    InvokeResult r = Call("live", {{"echo", i}});
    ASSERT_EQ(r.status, 200) << r.body;
    if (r.executed_version == std::to_string(second.version)) {
      ++blue;
      EXPECT_EQ(nlohmann::json::parse(r.body)["color"], "blue");
    } else {
      EXPECT_EQ(r.executed_version, std::to_string(first.version));
    }
  }
  // 25% of 400 is 100; the bounds are more than four standard deviations
  // (8.7) away.
  EXPECT_GT(blue, 60);
  EXPECT_LT(blue, 140);

  ASSERT_TRUE(ShiftTraffic(store_->functions(), "fn", "live", second.version, 100,
                           DefaultClock().NowMillis())
                  .ok());
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Call("live", {{"echo", i}}).executed_version, "2");
}

TEST_F(FunctionRuntimeTest, AChangedLatestGetsNewInstances) {
  StartRuntime();
  DeployOrDie("red");
  InvokeResult red = Call("", {{"echo", 1}});
  DeployOrDie("green");
  InvokeResult green = Call("", {{"echo", 1}});
  EXPECT_EQ(nlohmann::json::parse(green.body)["color"], "green");
  EXPECT_NE(nlohmann::json::parse(green.body)["pid"], nlohmann::json::parse(red.body)["pid"]);
}

TEST_F(FunctionRuntimeTest, FunctionErrorsAreUnhandledWithStatus200AndBigEventsAre413) {
  StartRuntime();
  DeployOrDie("red");
  InvokeResult r = Call("", {{"error", "boom"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.function_error, "Unhandled");
  EXPECT_EQ(r.error_type, "Function.TestError");
  EXPECT_EQ(nlohmann::json::parse(r.body)["errorMessage"], "boom");

  InvokeRequest big;
  big.function = "fn";
  big.payload = std::string(6 * 1024 * 1024 + 1, ' ');
  InvokeResult too_big = runtime_->InvokeAndWait(std::move(big));
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(too_big.error_type, "RequestEntityTooLargeException");
}

TEST_F(FunctionRuntimeTest, InvocationsAreRecordedAndLogged) {
  StartRuntime();
  DeployOrDie("red", {"live"});
  ASSERT_EQ(Call("live", {{"echo", "features"}}).status, 200);
  ASSERT_EQ(Call("", {{"error", "bad"}}).status, 200);
  runtime_->Shutdown();  // writes what is buffered

  auto records = store_->functions().ListInvocations("fn", 10, 0);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 2u);
  const store::InvocationRecord& error = (*records)[0];  // newest first
  EXPECT_EQ(error.qualifier, "$LATEST");
  EXPECT_EQ(error.version, "$LATEST");
  EXPECT_EQ(error.error_type, "Function.TestError");
  const store::InvocationRecord& ok = (*records)[1];
  EXPECT_EQ(ok.qualifier, "live");
  EXPECT_EQ(ok.version, "1");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.input, R"({"echo":"features"})");
  EXPECT_EQ(nlohmann::json::parse(ok.output)["echo"], "features") << ok.output;
  EXPECT_GT(ok.latency_us, 0);

  auto log = FunctionLogs::Tail(dir_.path() / "functions" / "logs", "fn", 1 << 20);
  ASSERT_TRUE(log.ok());
  EXPECT_NE(log->find("START RequestId: "), std::string::npos) << *log;
  EXPECT_NE(log->find(" Version: 1"), std::string::npos) << *log;
  EXPECT_NE(log->find("REPORT RequestId: "), std::string::npos) << *log;
  EXPECT_NE(log->find("runtime started"), std::string::npos) << *log;
}

TEST_F(FunctionRuntimeTest, ReservedConcurrencyBoundsTheFunctionOverAllItsVersionsAndAliases) {
  reserved_concurrency_ = 2;
  StartRuntime();
  DeployOrDie("red", {"live"});
  DeployOrDie("blue");  // version 2; live stays on 1
  // One invocation on the alias, one on version 2: the function's two.
  std::vector<std::future<InvokeResult>> running;
  for (const char* qualifier : {"live", "2"}) {
    auto promise = std::make_shared<std::promise<InvokeResult>>();
    running.push_back(promise->get_future());
    InvokeRequest r;
    r.function = "fn";
    r.qualifier = qualifier;
    r.payload = R"({"sleep": 1})";
    runtime_->Invoke(std::move(r), [promise](InvokeResult res) { promise->set_value(res); });
  }
  for (const char* qualifier : {"", "1", "2", "live"}) {
    InvokeResult throttled = Call(qualifier, {{"echo", 1}});
    EXPECT_EQ(throttled.status, 429) << qualifier;
    EXPECT_EQ(throttled.error_type, "TooManyRequestsException");
    EXPECT_EQ(nlohmann::json::parse(throttled.body),
              nlohmann::json({{"Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"},
                              {"Type", "User"},
                              {"message", "Rate Exceeded."}}));
    EXPECT_TRUE(throttled.executed_version.empty());
  }
  for (auto& f : running) EXPECT_EQ(f.get().status, 200);
  // Their slots are free again.
  EXPECT_EQ(Call("live", {{"echo", 1}}).status, 200);
  EXPECT_EQ(Call("", {{"echo", 1}}).status, 200);
}

TEST_F(FunctionRuntimeTest, AnInstanceOverItsMemorySizeIsKilledAndReplaced) {
  memory_mb_ = 64;
  StartRuntime();
  DeployOrDie("red");
  InvokeResult before = Call("", {{"echo", 1}});
  ASSERT_EQ(before.status, 200) << before.body;
  // 200 MB held until the reaper's next sample kills the instance.
  InvokeResult killed = Call("", {{"alloc", 200}, {"sleep", 60}});
  EXPECT_EQ(killed.status, 200);
  EXPECT_EQ(killed.function_error, "Unhandled");
  EXPECT_EQ(killed.error_type, "Runtime.OutOfMemory");
  auto body = nlohmann::json::parse(killed.body);
  EXPECT_EQ(body["errorType"], "Runtime.OutOfMemory");
  EXPECT_EQ(body["errorMessage"], "RequestId: " + killed.request_id +
                                      " Error: Runtime exited with error: signal: killed");
  InvokeResult after = Call("", {{"echo", 2}});
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_NE(nlohmann::json::parse(after.body)["pid"], nlohmann::json::parse(before.body)["pid"]);
  runtime_->Shutdown();  // writes the log
  EXPECT_NE(Log().find("Runtime.OutOfMemory"), std::string::npos) << Log();
}

TEST_F(FunctionRuntimeTest, TheReportLineGivesTheInstancesPeakMemory) {
  StartRuntime();
  DeployOrDie("red");
  // 40 MB allocated and kept: the instance's peak stays above it, and each
  // later REPORT says so once the reaper has sampled it.
  ASSERT_EQ(Call("", {{"alloc", 40}}).status, 200);
  int used_mb = 0;
  for (int i = 0; i < 300 && used_mb < 40; ++i) {
    InvokeRequest r;
    r.function = "fn";
    r.payload = R"({"sleep": 0.1})";
    r.tail_log = true;
    InvokeResult res = runtime_->InvokeAndWait(std::move(r));
    ASSERT_EQ(res.status, 200) << res.body;
    constexpr std::string_view kUsed = "\tMax Memory Used: ";
    size_t at = res.log_tail.find(kUsed);
    ASSERT_NE(at, std::string::npos) << res.log_tail;
    used_mb = std::atoi(res.log_tail.c_str() + at + kUsed.size());
  }
  EXPECT_GE(used_mb, 40);
  EXPECT_LT(used_mb, 128);
}

}  // namespace
}  // namespace sluice::serve
