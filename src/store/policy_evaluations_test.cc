#include "store/store.h"

#include <gtest/gtest.h>

#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using testing::MakeStateDir;
using testing::OpenOrDie;
using testing::SampleExecution;

TEST(StoreTest, PolicyEvaluationsRoundTripInOrderAndStayWhenNodesAreReplaced) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord rec = SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&rec).ok());
  PolicyEvaluationRecord first;
  first.execution_id = rec.id;
  first.node_path = "Checks.gate";
  first.attempt = 1;
  first.status = "error";
  first.input = nlohmann::json{{"accuracy", 0.92}};
  first.evaluated_ms = 1700000000000;
  PolicyResultRecord accuracy{"model_gate", "Model gate", "accuracy", "warning", "warning",
                              nlohmann::json::array({"too low"}), "", 12};
  PolicyResultRecord fairness{"model_gate", "Model gate", "fairness", "error", "error",
                              nlohmann::json::array(), "fairness.rego:3: rego_parse_error: unexpected }", 0};
  first.results = {accuracy, fairness};
  PolicyEvaluationRecord second = first;
  second.node_path = "Checks.again";
  second.status = "pass";
  second.input = "{\"token\": **************}";
  second.results = {};
  ASSERT_TRUE(store->AddPolicyEvaluation(&first).ok());
  ASSERT_TRUE(store->AddPolicyEvaluation(&second).ok());
  EXPECT_GT(second.id, first.id);
  ASSERT_TRUE(store->DeleteNodes(rec.id, "").ok());

  auto got = store->GetPolicyEvaluations(rec.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 2u);
  const PolicyEvaluationRecord& a = (*got)[0];
  EXPECT_EQ(a.node_path, "Checks.gate");
  EXPECT_EQ(a.attempt, 1);
  EXPECT_EQ(a.status, "error");
  EXPECT_EQ(a.input, first.input);
  EXPECT_EQ(a.evaluated_ms, 1700000000000);
  ASSERT_EQ(a.results.size(), 2u);
  EXPECT_EQ(a.results[0].policy_set_name, "Model gate");
  EXPECT_EQ(a.results[0].policy, "accuracy");
  EXPECT_EQ(a.results[0].severity, "warning");
  EXPECT_EQ(a.results[0].deny_messages, accuracy.deny_messages);
  EXPECT_EQ(a.results[0].duration_us, 12);
  EXPECT_EQ(a.results[1].error, fairness.error);
  EXPECT_EQ((*got)[1].input, second.input);
  EXPECT_TRUE((*got)[1].results.empty());
  EXPECT_TRUE(store->GetPolicyEvaluations("other")->empty());
}

TEST(StoreTest, PolicyEvaluationOfUnknownExecutionWritesNothing) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  PolicyEvaluationRecord ghost;
  ghost.execution_id = "ghost";
  ghost.node_path = "S.p";
  ghost.status = "pass";
  ghost.results.push_back({"s", "S", "p", "error", "pass", nlohmann::json::array(), "", 1});
  EXPECT_EQ(store->AddPolicyEvaluation(&ghost).code(), StatusCode::kFailedPrecondition);
  // The failed transaction was rolled back: the store still takes writes.
  ExecutionRecord rec = SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&rec).ok());
  ghost.execution_id = rec.id;
  EXPECT_TRUE(store->AddPolicyEvaluation(&ghost).ok());
  EXPECT_EQ(store->GetPolicyEvaluations(rec.id)->at(0).results.size(), 1u);
}

}  // namespace
}  // namespace sluice::store
