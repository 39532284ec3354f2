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
  first.policy_set = "model_gate";
  first.policy_set_name = "Model gate";
  first.policy = "accuracy";
  first.severity = "warning";
  first.status = "warning";
  first.input = nlohmann::json{{"accuracy", 0.92}};
  first.deny_messages = nlohmann::json::array({"too low"});
  first.duration_us = 12;
  first.evaluated_ms = 1700000000000;
  PolicyEvaluationRecord second = first;
  second.policy = "fairness";
  second.status = "error";
  second.error = "fairness.rego:3: rego_parse_error: unexpected }";
  second.deny_messages = nlohmann::json::array();
  ASSERT_TRUE(store->AddPolicyEvaluation(first).ok());
  ASSERT_TRUE(store->AddPolicyEvaluation(second).ok());
  ASSERT_TRUE(store->DeleteNodes(rec.id, "").ok());

  auto got = store->GetPolicyEvaluations(rec.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 2u);
  const PolicyEvaluationRecord& a = (*got)[0];
  EXPECT_EQ(a.node_path, "Checks.gate");
  EXPECT_EQ(a.attempt, 1);
  EXPECT_EQ(a.policy_set_name, "Model gate");
  EXPECT_EQ(a.policy, "accuracy");
  EXPECT_EQ(a.severity, "warning");
  EXPECT_EQ(a.input, first.input);
  EXPECT_EQ(a.deny_messages, first.deny_messages);
  EXPECT_EQ(a.duration_us, 12);
  EXPECT_EQ(a.evaluated_ms, 1700000000000);
  EXPECT_EQ((*got)[1].policy, "fairness");
  EXPECT_EQ((*got)[1].error, second.error);
  EXPECT_TRUE(store->GetPolicyEvaluations("other")->empty());

  PolicyEvaluationRecord ghost = first;
  ghost.execution_id = "ghost";
  EXPECT_EQ(store->AddPolicyEvaluation(ghost).code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace sluice::store
