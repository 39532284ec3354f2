#include "steps/policy_evaluation.h"

#include <gtest/gtest.h>

#include "policy/value_json.h"

namespace sluice::steps {
namespace {

using pipeline::PolicySeverity;

pipeline::PolicySet Set(std::string id, std::vector<std::pair<std::string, PolicySeverity>> policies,
                        std::string rego_version = "") {
  pipeline::PolicySet set;
  set.identifier = id;
  set.name = "Set " + id;
  set.type = "custom";
  set.rego_version = std::move(rego_version);
  for (auto& [policy, severity] : policies) set.policies.push_back({policy, severity, {}});
  return set;
}

void AddPolicy(pipeline::Project& project, const std::string& id, const std::string& text) {
  project.policies.push_back({id, ".harness/policies/" + id + ".rego", text});
}

policy::Value Input(const std::string& json) { return *policy::ParseJson(json); }

class PolicyEvaluationTest : public ::testing::Test {
 protected:
  PolicyEvaluationTest() {
    AddPolicy(project_, "low_accuracy", "package main\ndeny[msg] {\n  input.accuracy < 0.9\n  msg := \"too low\"\n}\n");
    AddPolicy(project_, "v1_gap",
              "package checks.fair\nimport rego.v1\ndeny contains sprintf(\"gap %v\", [input.gap]) if input.gap > 21\n");
    AddPolicy(project_, "broken", "package main\ndeny[msg] {\n");
    AddPolicy(project_, "not_a_set", "package main\ndeny := true\n");
    AddPolicy(project_, "no_deny", "package main\nallow := true\n");
  }
  pipeline::Project project_;
};

TEST_F(PolicyEvaluationTest, StatusesFollowSeverityAndTheWorstWins) {
  project_.policy_sets.push_back(Set("warn", {{"low_accuracy", PolicySeverity::kWarning}}));
  project_.policy_sets.push_back(
      Set("err", {{"v1_gap", PolicySeverity::kError}, {"no_deny", PolicySeverity::kError}}));
  auto out = EvaluatePolicySets(project_, {"warn", "err"}, Input(R"({"accuracy": 0.5, "gap": 3})"));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->status, PolicyStatus::kWarning);
  ASSERT_EQ(out->sets.size(), 2u);
  EXPECT_EQ(out->sets[0].status, PolicyStatus::kWarning);
  EXPECT_EQ(out->sets[0].policies[0].deny_messages, std::vector<std::string>{"too low"});
  EXPECT_EQ(out->sets[1].status, PolicyStatus::kPass);
  EXPECT_EQ(out->sets[1].policies.size(), 2u);

  out = EvaluatePolicySets(project_, {"warn", "err"}, Input(R"({"accuracy": 0.95, "gap": 30})"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, PolicyStatus::kError);
  EXPECT_EQ(out->sets[0].status, PolicyStatus::kPass);
  EXPECT_EQ(out->sets[1].policies[0].deny_messages, std::vector<std::string>{"gap 30"});
}

TEST_F(PolicyEvaluationTest, RegoErrorsAreErrorsWhateverTheSeverity) {
  project_.policy_sets.push_back(Set("s", {{"broken", PolicySeverity::kWarning},
                                           {"not_a_set", PolicySeverity::kWarning}}));
  auto out = EvaluatePolicySets(project_, {"s"}, Input("{}"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, PolicyStatus::kError);
  EXPECT_NE(out->sets[0].policies[0].error.find(".harness/policies/broken.rego:"), std::string::npos)
      << out->sets[0].policies[0].error;
  EXPECT_NE(out->sets[0].policies[1].error.find("deny must be a set of messages"), std::string::npos)
      << out->sets[0].policies[1].error;
}

TEST_F(PolicyEvaluationTest, DisabledSetsAreReportedButNotEvaluated) {
  project_.policy_sets.push_back(Set("off", {{"low_accuracy", PolicySeverity::kError}}));
  project_.policy_sets.back().enabled = false;
  auto out = EvaluatePolicySets(project_, {"account.off"}, Input(R"({"accuracy": 0.1})"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, PolicyStatus::kPass);
  EXPECT_FALSE(out->sets[0].enabled);
  EXPECT_TRUE(out->sets[0].policies.empty());
}

TEST_F(PolicyEvaluationTest, UnknownSetNamesWhatTheProjectHas) {
  project_.policy_sets.push_back(Set("warn", {{"low_accuracy", PolicySeverity::kWarning}}));
  auto out = EvaluatePolicySets(project_, {"nope"}, Input("{}"));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(), "no policy set \"nope\" in .harness/policysets (the project has: warn)");
}

TEST_F(PolicyEvaluationTest, SetDialectOverridesDetection) {
  // `deny[msg] { ... }` is a v0 partial set; a v1 set rejects it.
  project_.policy_sets.push_back(Set("v1", {{"low_accuracy", PolicySeverity::kError}}, "v1"));
  auto out = EvaluatePolicySets(project_, {"v1"}, Input(R"({"accuracy": 0.5})"));
  ASSERT_TRUE(out.ok());
  EXPECT_NE(out->sets[0].policies[0].error.find("`if` keyword is required before rule body"), std::string::npos)
      << out->sets[0].policies[0].error;
}

TEST_F(PolicyEvaluationTest, CheckProjectPoliciesLocatesErrorsAndDialectClashes) {
  project_.policy_sets.push_back(Set("a", {{"low_accuracy", PolicySeverity::kError}}, "v0"));
  project_.policy_sets.push_back(Set("b", {{"low_accuracy", PolicySeverity::kError}}, "v1"));
  DiagnosticList diags;
  CheckProjectPolicies(project_, &diags);
  std::string all;
  for (const Diagnostic& d : diags.items()) {
    all += d.location.file + ":" + std::to_string(d.location.line) + ": " + d.message + "\n";
  }
  EXPECT_NE(all.find("policy \"low_accuracy\" is used with regoVersion \"v1\" here but \"v0\""),
            std::string::npos)
      << all;
  EXPECT_NE(all.find(".harness/policies/broken.rego:3: "), std::string::npos) << all;
  EXPECT_EQ(all.find("not_a_set"), std::string::npos) << "compiles fine; fails only when evaluated\n" << all;
}

}  // namespace
}  // namespace sluice::steps
