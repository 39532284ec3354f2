#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/function_store.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using testing::MakeStateDir;
using testing::OpenOrDie;
using testing::SampleFunctionConfig;

constexpr int64_t kT0 = 1'700'000'000'000;

InvocationRecord Call(const std::string& function, int n) {
  return {.function = function,
          .qualifier = "live",
          .version = "3",
          .started_ms = kT0 + n,
          .latency_us = 1000 + n,
          .status = n % 2 == 0 ? 200 : 502,
          .error_type = n % 2 == 0 ? "" : "Sandbox.Timeout",
          .input = R"({"Income": )" + std::to_string(n) + "}",
          .output = R"({"prediction": 1})"};
}

std::vector<int64_t> StartTimes(const std::vector<InvocationRecord>& records) {
  std::vector<int64_t> out;
  for (const InvocationRecord& r : records) out.push_back(r.started_ms - kT0);
  return out;
}

class InvocationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_.path());
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(fns().PutFunction("fn", SampleFunctionConfig(), kT0).ok());
    ASSERT_TRUE(fns().PutFunction("other", SampleFunctionConfig(), kT0).ok());
  }
  FunctionStore& fns() { return store_->functions(); }

  // Adds calls 1..n of `function`, one AddInvocations each.
  void AddCalls(const std::string& function, int n, int keep) {
    for (int i = 1; i <= n; ++i) {
      std::vector<InvocationRecord> one = {Call(function, i)};
      Status s = fns().AddInvocations(&one, keep);
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
  }

  TempDir dir_ = MakeStateDir();
  std::unique_ptr<Store> store_;
};

TEST_F(InvocationsTest, RecordsRoundTripNewestFirstWithIdsAssigned) {
  std::vector<InvocationRecord> calls = {Call("fn", 1), Call("fn", 2)};
  ASSERT_TRUE(fns().AddInvocations(&calls, 100).ok());
  EXPECT_GT(calls[0].id, 0);
  EXPECT_GT(calls[1].id, calls[0].id);

  auto listed = fns().ListInvocations("fn", 0, 0);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 2u);
  const InvocationRecord& newest = (*listed)[0];
  EXPECT_EQ(newest.id, calls[1].id);
  EXPECT_EQ(newest.function, "fn");
  EXPECT_EQ(newest.qualifier, "live");
  EXPECT_EQ(newest.version, "3");
  EXPECT_EQ(newest.started_ms, kT0 + 2);
  EXPECT_EQ(newest.latency_us, 1002);
  EXPECT_EQ(newest.status, 200);
  EXPECT_EQ(newest.error_type, "");
  EXPECT_EQ(newest.input, R"({"Income": 2})");
  EXPECT_EQ(newest.output, R"({"prediction": 1})");
  EXPECT_EQ((*listed)[1].status, 502);
  EXPECT_EQ((*listed)[1].error_type, "Sandbox.Timeout");
}

TEST_F(InvocationsTest, PagesByLimitAndBeforeId) {
  AddCalls("fn", 5, 100);
  auto first = fns().ListInvocations("fn", 2, 0);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(StartTimes(*first), (std::vector<int64_t>{5, 4}));
  auto second = fns().ListInvocations("fn", 2, first->back().id);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(StartTimes(*second), (std::vector<int64_t>{3, 2}));
  auto rest = fns().ListInvocations("fn", 0, second->back().id);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(StartTimes(*rest), (std::vector<int64_t>{1}));
}

TEST_F(InvocationsTest, KeepsOnlyTheNewestOfEachFunction) {
  AddCalls("other", 3, 2);
  AddCalls("fn", 6, 4);
  EXPECT_EQ(StartTimes(*fns().ListInvocations("fn", 0, 0)), (std::vector<int64_t>{6, 5, 4, 3}));
  // Another function's records are its own: pruning "fn" left them alone.
  EXPECT_EQ(StartTimes(*fns().ListInvocations("other", 0, 0)), (std::vector<int64_t>{3, 2}));

  // One call with more records than it keeps.
  std::vector<InvocationRecord> batch = {Call("fn", 7), Call("fn", 8), Call("fn", 9)};
  ASSERT_TRUE(fns().AddInvocations(&batch, 2).ok());
  EXPECT_EQ(StartTimes(*fns().ListInvocations("fn", 0, 0)), (std::vector<int64_t>{9, 8}));
}

TEST_F(InvocationsTest, UnknownFunctionWritesNothing) {
  std::vector<InvocationRecord> calls = {Call("fn", 1), Call("ghost", 2)};
  Status s = fns().AddInvocations(&calls, 10);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("no function \"ghost\""), std::string::npos) << s.message();
  EXPECT_EQ(calls[0].id, 0);
  EXPECT_TRUE(fns().ListInvocations("fn", 0, 0)->empty());
  EXPECT_EQ(fns().ListInvocations("ghost", 0, 0).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice::store
