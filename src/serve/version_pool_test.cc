#include "serve/version_pool.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "serve/test_runtime.h"

namespace sluice::serve {
namespace {

using namespace std::chrono_literals;
using Kind = InvocationOutcome::Kind;

// The instances run src/serve/testdata/test_runtime.py, a Runtime API
// client written with Python's standard library only.
class VersionPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::HavePython()) GTEST_SKIP() << "needs /usr/bin/python3";
    net::HttpServerOptions server_options;
    server_options.max_body_bytes = 16 * 1024 * 1024;
    server_ = net::HttpServer::Create(server_options);
  }
  void TearDown() override {
    if (pool_) pool_->Shutdown();
  }

  VersionPoolOptions Options() {
    VersionPoolOptions o;
    o.name = "test-fn:3";
    o.process = testing::TestRuntimeProcess();
    o.timeout = 10s;
    o.log = [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_ += std::string(line) + "\n";
    };
    return o;
  }
  void Start(VersionPoolOptions o) { pool_ = VersionPool::Create(std::move(o), *server_, runner_); }

  // Invokes and waits for the outcome (the pool is reaped meanwhile, as the
  // runtime does).
  InvocationOutcome Call(const nlohmann::json& event, std::string request_id = "") {
    auto promise = std::make_shared<std::promise<InvocationOutcome>>();
    auto future = promise->get_future();
    Invocation inv;
    inv.request_id = request_id.empty() ? "req-" + std::to_string(++counter_) : request_id;
    inv.payload = event.dump();
    inv.function_arn = "arn:aws:lambda:us-east-1:000000000000:function:test-fn:live";
    inv.trace_id = "Root=1-0-1;Parent=2;Sampled=0";
    inv.done = [promise](InvocationOutcome o) { promise->set_value(std::move(o)); };
    pool_->Invoke(std::move(inv));
    while (future.wait_for(20ms) != std::future_status::ready) {
      pool_->Reap(std::chrono::steady_clock::now());
    }
    return future.get();
  }

  std::string Log() {
    std::lock_guard<std::mutex> lock(log_mu_);
    return log_;
  }

  std::unique_ptr<net::HttpServer> server_;
  runner::LocalProcessRunner runner_;
  std::shared_ptr<VersionPool> pool_;
  std::mutex log_mu_;
  std::string log_;
  std::atomic<int> counter_{0};
};

TEST_F(VersionPoolTest, AWarmInstanceAnswersInvocationsWithTheRuntimeApiHeaders) {
  Start(Options());
  InvocationOutcome first = Call({{"echo", "a"}}, "11111111-aaaa");
  ASSERT_EQ(first.kind, Kind::kResponse) << first.body;
  auto a = nlohmann::json::parse(first.body);
  EXPECT_EQ(a["echo"], "a");
  EXPECT_EQ(a["request_id"], "11111111-aaaa");
  EXPECT_EQ(a["arn"], "arn:aws:lambda:us-east-1:000000000000:function:test-fn:live");
  EXPECT_EQ(a["trace_id"], "Root=1-0-1;Parent=2;Sampled=0");
  const int64_t deadline = std::stoll(a["deadline_ms"].get<std::string>());
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_GT(deadline, now);
  EXPECT_LE(deadline, now + 10'000);
  EXPECT_GT(first.init_duration.count(), 0);

  InvocationOutcome second = Call({{"echo", 2}});
  auto b = nlohmann::json::parse(second.body);
  EXPECT_EQ(b["pid"], a["pid"]) << "the warm instance is reused";
  EXPECT_EQ(b["count"], 2);
  EXPECT_EQ(second.init_duration.count(), 0);
  EXPECT_EQ(pool_->stats().cold_starts, 1);

  std::string log = Log();
  EXPECT_NE(log.find("runtime started"), std::string::npos) << log;
  EXPECT_NE(log.find("START RequestId: 11111111-aaaa Version: 3"), std::string::npos) << log;
  EXPECT_NE(log.find("END RequestId: 11111111-aaaa"), std::string::npos) << log;
  EXPECT_NE(log.find("REPORT RequestId: 11111111-aaaa\tDuration: "), std::string::npos) << log;
}

TEST_F(VersionPoolTest, AFunctionErrorCarriesItsTypeAndBody) {
  Start(Options());
  InvocationOutcome out = Call({{"error", "bad input"}});
  EXPECT_EQ(out.kind, Kind::kFunctionError);
  EXPECT_EQ(out.error_type, "Function.TestError");
  auto body = nlohmann::json::parse(out.body);
  EXPECT_EQ(body["errorMessage"], "bad input");
  // The instance keeps serving.
  EXPECT_EQ(Call({{"echo", 1}}).kind, Kind::kResponse);
}

TEST_F(VersionPoolTest, ConcurrentInvocationsUseAtMostMaxInstances) {
  VersionPoolOptions o = Options();
  o.max_instances = 2;
  Start(o);
  std::vector<std::future<InvocationOutcome>> calls;
  for (int i = 0; i < 6; ++i) {
    calls.push_back(std::async(std::launch::async, [this, i] {
      return Call({{"echo", i}, {"sleep", 0.2}});
    }));
  }
  std::set<int> pids;
  for (auto& c : calls) {
    InvocationOutcome out = c.get();
    ASSERT_EQ(out.kind, Kind::kResponse) << out.body;
    pids.insert(nlohmann::json::parse(out.body)["pid"].get<int>());
  }
  EXPECT_LE(pids.size(), 2u);
  EXPECT_LE(pool_->stats().cold_starts, 2);
}

TEST_F(VersionPoolTest, AFullQueueThrottles) {
  VersionPoolOptions o = Options();
  o.max_instances = 1;
  o.max_queue = 1;
  Start(o);
  auto slow = std::async(std::launch::async, [this] { return Call({{"sleep", 0.5}}); });
  // Wait until the slow one is out of the queue and running.
  for (int i = 0; i < 500 && pool_->stats().busy == 0; ++i) std::this_thread::sleep_for(10ms);
  auto queued = std::async(std::launch::async, [this] { return Call({{"echo", 1}}); });
  for (int i = 0; i < 500 && pool_->stats().queued == 0; ++i) std::this_thread::sleep_for(10ms);
  InvocationOutcome throttled = Call({{"echo", 2}});
  EXPECT_EQ(throttled.kind, Kind::kThrottled);
  EXPECT_EQ(throttled.error_type, "TooManyRequestsException");
  EXPECT_EQ(slow.get().kind, Kind::kResponse);
  EXPECT_EQ(queued.get().kind, Kind::kResponse);
}

TEST_F(VersionPoolTest, ATimeoutFailsTheInvocationAndReplacesTheInstance) {
  VersionPoolOptions o = Options();
  o.timeout = 1s;
  Start(o);
  InvocationOutcome warm = Call({{"echo", 0}});
  const int pid = nlohmann::json::parse(warm.body)["pid"];
  InvocationOutcome out = Call({{"sleep", 30}});
  EXPECT_EQ(out.kind, Kind::kRuntimeError);
  EXPECT_EQ(out.error_type, "Sandbox.Timeout");
  EXPECT_NE(out.body.find("Task timed out after 1.00 seconds"), std::string::npos) << out.body;
  InvocationOutcome next = Call({{"echo", 1}});
  ASSERT_EQ(next.kind, Kind::kResponse) << next.body;
  EXPECT_NE(nlohmann::json::parse(next.body)["pid"], pid) << "a new instance serves";
}

TEST_F(VersionPoolTest, AnInstanceThatExitsFailsItsInvocationAndIsReplaced) {
  Start(Options());
  InvocationOutcome out = Call({{"exit", 3}});
  EXPECT_EQ(out.kind, Kind::kRuntimeError);
  EXPECT_EQ(out.error_type, "Runtime.ExitError");
  EXPECT_NE(out.body.find("exited with code 3"), std::string::npos) << out.body;
  EXPECT_EQ(Call({{"echo", 1}}).kind, Kind::kResponse);
}

TEST_F(VersionPoolTest, AnInitErrorFailsTheInvocationWithTheRuntimesError) {
  VersionPoolOptions o = Options();
  o.process.env["INIT_ERROR"] = "1";
  Start(o);
  InvocationOutcome out = Call({{"echo", 1}});
  EXPECT_EQ(out.kind, Kind::kRuntimeError);
  EXPECT_EQ(out.error_type, "Runtime.TestInit");
  EXPECT_NE(out.body.find("model missing"), std::string::npos) << out.body;
}

TEST_F(VersionPoolTest, AnOversizeResponseIsRefusedAndTheCallerToldWhy) {
  VersionPoolOptions o = Options();
  o.max_response_bytes = 1000;
  Start(o);
  InvocationOutcome out = Call({{"big", 2000}});
  EXPECT_EQ(out.kind, Kind::kRuntimeError);
  EXPECT_EQ(out.error_type, "Function.ResponseSizeTooLarge");
  EXPECT_EQ(Call({{"big", 10}}).kind, Kind::kResponse);
}

TEST_F(VersionPoolTest, ASecondAnswerIs403AndAnUnknownIdIs400) {
  Start(Options());
  EXPECT_EQ(Call({{"echo", 1}, {"twice", true}}).kind, Kind::kResponse);
  EXPECT_EQ(Call({{"echo", 2}}).kind, Kind::kResponse);  // the runtime printed its checks by now
  std::string log = Log();
  EXPECT_NE(log.find("second answer: 403"), std::string::npos) << log;
  EXPECT_NE(log.find("unknown id: 400"), std::string::npos) << log;
}

TEST_F(VersionPoolTest, IdleInstancesAreReapedAndShutdownFailsWhatWaits) {
  VersionPoolOptions o = Options();
  o.idle_ttl = 0ms;
  Start(o);
  ASSERT_EQ(Call({{"echo", 1}}).kind, Kind::kResponse);
  for (int i = 0; i < 500 && pool_->stats().instances > 0; ++i) {
    pool_->Reap(std::chrono::steady_clock::now());
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(pool_->stats().instances, 0);

  auto promise = std::make_shared<std::promise<InvocationOutcome>>();
  Invocation inv;
  inv.request_id = "late";
  inv.payload = R"({"sleep": 30})";
  inv.done = [promise](InvocationOutcome out) { promise->set_value(std::move(out)); };
  pool_->Invoke(std::move(inv));
  pool_->Shutdown();
  InvocationOutcome out = promise->get_future().get();
  EXPECT_EQ(out.error_type, "Runtime.Shutdown");
  EXPECT_EQ(pool_->stats().instances, 0);
}

}  // namespace
}  // namespace sluice::serve
