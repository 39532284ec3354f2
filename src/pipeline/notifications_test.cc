#include "pipeline/notifications.h"

#include <gtest/gtest.h>

#include "pipeline/project.h"

namespace sluice::pipeline {
namespace {

std::string Messages(const DiagnosticList& diags) {
  std::string out;
  for (const Diagnostic& d : diags.items()) out += d.location.ToString() + ": " + d.message + "\n";
  return out;
}

TEST(NotificationRulesTest, ParsesEmailWebhookAndSlackRules) {
  DiagnosticList diags;
  auto rules = ParseNotificationRules(YAML::Load(R"(
- name: Failures
  identifier: failures
  pipelineEvents:
    - type: PipelineFailed
    - type: StageFailed
      forStages: [Train]
  notificationMethod:
    type: Email
    spec:
      userGroups: [account.ml_team]
      recipients: [ops@example.com]
- name: Chat
  enabled: false
  pipelineEvents: [{type: AllEvents}]
  notificationMethod:
    type: Webhook
    spec:
      webhookUrl: http://127.0.0.1:9/hook
      headers: [{key: X-Token, value: abc}]
)"),
                                      "p.yaml", &diags);
  EXPECT_EQ(diags.items().size(), 0u) << Messages(diags);
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].identifier, "failures");
  EXPECT_EQ(rules[0].method.type, "Email");
  ASSERT_EQ(rules[0].events.size(), 2u);
  EXPECT_EQ(rules[0].events[1].for_stages, std::vector<std::string>{"Train"});
  EXPECT_EQ(rules[0].method.user_groups, std::vector<std::string>{"account.ml_team"});
  EXPECT_EQ(rules[0].method.recipients, std::vector<std::string>{"ops@example.com"});
  EXPECT_FALSE(rules[1].enabled);
  EXPECT_EQ(rules[1].identifier, "Chat");
  EXPECT_EQ(rules[1].method.headers.at("X-Token"), "abc");
}

TEST(NotificationRulesTest, ReportsUnknownEventsAndMissingTargets) {
  DiagnosticList diags;
  ParseNotificationRules(YAML::Load(R"(
- name: a
  pipelineEvents: [{type: PipelineExploded}]
  notificationMethod: {type: Email, spec: {}}
- name: b
  pipelineEvents: [{type: PipelineEnd}]
  notificationMethod: {type: Slack, spec: {webhookUrl: ftp://x}}
)"),
                         "p.yaml", &diags);
  std::string m = Messages(diags);
  EXPECT_NE(m.find("unknown notification event \"PipelineExploded\"; use one of AllEvents, "),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("an Email notification needs spec.recipients"), std::string::npos) << m;
  EXPECT_NE(m.find("webhookUrl must be an http:// or https:// URL"), std::string::npos) << m;
}

TEST(NotificationRulesTest, ForStagesMustNameAStageOfThePipeline) {
  DiagnosticList diags;
  auto p = ParsePipelineText(R"(pipeline:
  identifier: p
  name: p
  notificationRules:
    - name: n
      pipelineEvents: [{type: StageFailed, forStages: [Nope]}]
      notificationMethod: {type: Email, spec: {recipients: [a@b.c]}}
  stages:
    - stage:
        identifier: S
        name: S
        type: Custom
        spec: {execution: {steps: [{step: {identifier: w, name: w, type: Wait, spec: {duration: 1s}}}]}}
)",
                             "p.yaml", &diags);
  EXPECT_NE(
      Messages(diags).find("forStages names stage \"Nope\", which this pipeline does not have"),
      std::string::npos)
      << Messages(diags);
}

TEST(SmtpConfigTest, ParsesHarnessFieldNames) {
  DiagnosticList diags;
  auto c = ParseSmtpConfig(YAML::Load(R"(smtp:
  host: smtp.example.com
  port: 587
  fromAddress: ci@example.com
  startTLS: true
  username: ci
  passwordRef: smtp_password
  caFile: certs/ca.pem
  timeout: 30s
)"),
                           ".harness/smtp.yaml", &diags);
  EXPECT_EQ(diags.items().size(), 0u) << Messages(diags);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->host, "smtp.example.com");
  EXPECT_EQ(c->port, 587);
  EXPECT_EQ(c->start_tls, StartTls::kRequired);
  EXPECT_EQ(c->password_ref, "smtp_password");
  EXPECT_EQ(c->timeout, Millis(30000));
}

TEST(SmtpConfigTest, PointsAtWhatIsWrong) {
  DiagnosticList diags;
  auto c = ParseSmtpConfig(YAML::Load(R"(smtp:
  host: smtp.example.com
  fromAddress: nobody
  startTLS: sometimes
  password: hunter2
)"),
                           ".harness/smtp.yaml", &diags);
  EXPECT_FALSE(c.has_value());
  std::string m = Messages(diags);
  EXPECT_NE(m.find(".harness/smtp.yaml:3:16: fromAddress must be an e-mail address"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("startTLS must be true (required), opportunistic or false"), std::string::npos);
  EXPECT_NE(m.find("put the password in a sluice secret"), std::string::npos) << m;
  EXPECT_EQ(m.find("hunter2"), std::string::npos);
}

TEST(SmtpConfigTest, UseSslDefaultsToPort465) {
  DiagnosticList diags;
  auto c = ParseSmtpConfig(YAML::Load("smtp: {host: h, fromAddress: a@b.c, useSSL: true}"),
                           "s.yaml", &diags);
  ASSERT_TRUE(c.has_value()) << Messages(diags);
  EXPECT_EQ(c->port, 465);
}

}  // namespace
}  // namespace sluice::pipeline
