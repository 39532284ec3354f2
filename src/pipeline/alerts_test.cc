// Alert rules (.harness/alerts/*.yaml): what is read, the defaults, and
// where malformed rules are reported.
#include "pipeline/alerts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::pipeline {
namespace {

using ::testing::HasSubstr;

std::string Messages(const DiagnosticList& diags) {
  std::string out;
  for (const auto& d : diags.items()) out += d.location.ToString() + ": " + d.message + "\n";
  return out;
}

std::optional<AlertRule> Parse(const std::string& yaml, DiagnosticList* diags) {
  return ParseAlertRule(YAML::Load(yaml), ".harness/alerts/a.yaml", diags);
}

TEST(AlertRuleTest, ReadsAStaleModelRuleWithItsDefaults) {
  DiagnosticList diags;
  auto rule = Parse(R"(alert:
  identifier: ccapproval_stale
  name: Credit-card model is stale
  condition:
    type: ModelStale
    spec: {model: ccapproval}
  notificationMethod:
    type: Email
    spec: {recipients: [mlops@bank.example]}
)",
                    &diags);
  ASSERT_TRUE(rule.has_value()) << Messages(diags);
  EXPECT_TRUE(diags.empty()) << Messages(diags);
  EXPECT_EQ(rule->identifier, "ccapproval_stale");
  EXPECT_EQ(rule->name, "Credit-card model is stale");
  EXPECT_EQ(rule->condition, AlertCondition::kModelStale);
  EXPECT_EQ(rule->model, "ccapproval");
  EXPECT_TRUE(rule->enabled);
  EXPECT_TRUE(rule->send_resolved);
  EXPECT_EQ(rule->method.type, "Email");
  EXPECT_EQ(rule->method.recipients, std::vector<std::string>{"mlops@bank.example"});
}

TEST(AlertRuleTest, ReadsAnErrorRateRuleWithAPercentageAndAWindow) {
  DiagnosticList diags;
  auto rule = Parse(R"(alert:
  identifier: errors
  sendResolved: false
  condition:
    type: ErrorRate
    spec: {function: ccapproval, qualifier: live, threshold: 2.5%, window: 5m, minInvocations: 10}
  notificationMethod:
    type: Webhook
    spec: {webhookUrl: "http://127.0.0.1:9/hook", headers: {X-Team: ml}}
)",
                    &diags);
  ASSERT_TRUE(rule.has_value()) << Messages(diags);
  EXPECT_TRUE(diags.empty()) << Messages(diags);
  EXPECT_EQ(rule->condition, AlertCondition::kErrorRate);
  EXPECT_EQ(rule->function, "ccapproval");
  EXPECT_EQ(rule->qualifier, "live");
  EXPECT_DOUBLE_EQ(rule->threshold, 0.025);
  EXPECT_EQ(rule->window, Millis(5 * 60 * 1000));
  EXPECT_EQ(rule->min_invocations, 10);
  EXPECT_FALSE(rule->send_resolved);
  EXPECT_EQ(rule->method.headers.at("X-Team"), "ml");
}

TEST(AlertRuleTest, ADriftRuleMayFireOnWarnings) {
  DiagnosticList diags;
  auto rule = Parse(R"(alert:
  identifier: drift
  condition: {type: ModelDrift, spec: {model: ccapproval, level: warn}}
  notificationMethod: {type: Slack, spec: {webhookUrl: "<+secrets.getValue(\"slack\")>"}}
)",
                    &diags);
  ASSERT_TRUE(rule.has_value()) << Messages(diags);
  EXPECT_TRUE(rule->drift_on_warn);
  EXPECT_EQ(AlertConditionName(rule->condition), "ModelDrift");
}

TEST(AlertRuleTest, ReportsWhatIsWrongWhereItIs) {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const Case cases[] = {
      {"alert:\n  identifier: a\n  condition: {type: Latency, spec: {}}\n"
       "  notificationMethod: {type: Email, spec: {recipients: [a@b.c]}}\n",
       "unknown alert condition \"Latency\"; use ModelStale, ModelDrift or ErrorRate"},
      {"alert:\n  identifier: a\n  condition: {type: ModelStale}\n"
       "  notificationMethod: {type: Email, spec: {recipients: [a@b.c]}}\n",
       "a ModelStale condition needs a spec (spec: {model: NAME})"},
      {"alert:\n  identifier: a\n  condition: {type: ErrorRate, spec: {function: f, threshold: "
       "7}}\n"
       "  notificationMethod: {type: Email, spec: {recipients: [a@b.c]}}\n",
       "threshold must be a share of calls between 0 and 1"},
      {"alert:\n  identifier: a\n  condition: {type: ModelDrift, spec: {model: m, level: high}}\n"
       "  notificationMethod: {type: Email, spec: {recipients: [a@b.c]}}\n",
       "level must be drift or warn"},
      {"alert:\n  identifier: a\n  condition: {type: ModelStale, spec: {model: m}}\n",
       "alert is missing required field \"notificationMethod\""},
      {"alert:\n  identifier: a\n  condition: {type: ModelStale, spec: {model: m}}\n"
       "  notificationMethod: {type: Email, spec: {}}\n",
       "an Email notification needs spec.recipients"},
  };
  for (const Case& c : cases) {
    DiagnosticList diags;
    Parse(c.yaml, &diags);
    EXPECT_TRUE(diags.has_errors()) << c.yaml;
    EXPECT_THAT(Messages(diags), HasSubstr(c.message)) << c.yaml;
    EXPECT_THAT(Messages(diags), HasSubstr(".harness/alerts/a.yaml:")) << c.yaml;
  }
}

}  // namespace
}  // namespace sluice::pipeline
