// Notifications through the real binary: a pipeline's notificationRules
// mail a real SMTP server (aiosmtpd) on success, failure and a stage's
// failure; a waiting approval mails its approvers (into the local Maildir
// when the project has no .harness/smtp.yaml); a notification that cannot
// be sent is a warning in the log and changes nothing about the run.
#include <gtest/gtest.h>

#include <set>

#include "notify/smtp_test_server.h"
#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

using notify::testing::DeliveredMail;
using notify::testing::TestSmtpServer;
using notify::testing::WaitForMail;

constexpr char kRules[] = R"(notificationRules:
  - name: Run results
    identifier: run_results
    pipelineEvents:
      - type: PipelineSuccess
      - type: PipelineFailed
    notificationMethod:
      type: Email
      spec:
        recipients: [ops@example.test]
  - name: Training failures
    pipelineEvents:
      - type: StageFailed
        forStages: [Train]
    notificationMethod:
      type: Email
      spec:
        userGroups: [account.ml_team]
)";

class NotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    p_.Write(".harness/usergroups/ml_team.yaml",
             "userGroup:\n  identifier: ml_team\n  name: ML team\n"
             "  users:\n    - bob\n    - carol@bank.example\n");
    RunOptions o;
    o.stdin_text = "correct horse battery staple\n";
    auto added = p_.Sluice({"user", "add", "bob", "--role", "approver", "--email",
                            "bob@bank.example", "--password-stdin"},
                           o);
    ASSERT_EQ(added.exit_code, 0) << added.err;
  }

  void WritePipeline(const std::string& train_script) {
    p_.WritePipeline(Pipeline("notify_demo",
                              {CustomStage("Train", {ShellStep("train", train_script)}),
                               CustomStage("Deploy", {ShellStep("deploy", "echo deployed")})},
                              kRules));
  }

  std::string Log(const std::string& id, const std::string& step) {
    RunResult r = p_.Sluice({"executions", "logs", id, "--step", step});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  static const DeliveredMail* WithSubject(const std::vector<DeliveredMail>& mail,
                                          const std::string& subject) {
    for (const DeliveredMail& m : mail) {
      if (m.headers.count("Subject") && m.headers.at("Subject") == subject) return &m;
    }
    return nullptr;
  }

  TestProject p_;
};

TEST_F(NotifyTest, RulesMailSuccessFailureAndStageFailureThroughSmtp) {
  const auto maildir = p_.scratch() / "Maildir";
  auto server = TestSmtpServer::StartPlain(maildir);
  ASSERT_TRUE(server.ok()) << server.status().message();
  p_.Write(".harness/smtp.yaml",
           "smtp:\n  host: 127.0.0.1\n  port: " + std::to_string((*server)->port()) +
               "\n  fromAddress: ci@example.test\n  fromName: sluice CI\n");
  RunResult validate = p_.Sluice({"validate"});
  ASSERT_EQ(validate.exit_code, 0) << validate.out << validate.err;

  WritePipeline("echo training");
  RunResult ok;
  nlohmann::json first = p_.RunJson({}, {}, &ok);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  std::vector<DeliveredMail> mail = WaitForMail(maildir, 1);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].headers["Subject"], "[sluice] notify_demo #1 succeeded");
  EXPECT_EQ(mail[0].headers["X-RcptTo"], "ops@example.test");
  EXPECT_EQ(mail[0].headers["From"], "\"sluice CI\" <ci@example.test>");
  EXPECT_NE(mail[0].body.find("Status:    Success"), std::string::npos) << mail[0].body;
  EXPECT_NE(Log(first["id"], "Deploy")
                .find("[sluice] notify: notification \"Run results\" "
                      "(PipelineSuccess): e-mailed ops@example.test (sent "
                      "through smtp://127.0.0.1:"),
            std::string::npos);

  WritePipeline("echo 'loss is NaN' >&2; exit 3");
  RunResult failed;
  nlohmann::json second = p_.RunJson({}, {}, &failed);
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  mail = WaitForMail(maildir, 3);
  ASSERT_EQ(mail.size(), 3u);
  const DeliveredMail* stage = WithSubject(mail, "[sluice] notify_demo #2: stage Train failed");
  ASSERT_NE(stage, nullptr);
  EXPECT_EQ(stage->headers.at("To"), "bob@bank.example, carol@bank.example");
  const DeliveredMail* end = WithSubject(mail, "[sluice] notify_demo #2 failed at Train");
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->headers.at("X-RcptTo"), "ops@example.test");
  EXPECT_NE(end->body.find("Failure:   Train.train: "), std::string::npos) << end->body;
  EXPECT_EQ(StatusOf(second, "Deploy"), "Skipped");
}

TEST_F(NotifyTest, AWaitingApprovalMailsItsApproversIntoTheLocalMaildir) {
  p_.WritePipeline(Pipeline("notify_demo", {R"(- stage:
    identifier: Approve
    name: Approve
    type: Approval
    spec:
      execution:
        steps:
          - step:
              identifier: approve_model
              name: approve model
              type: HarnessApproval
              timeout: 1d
              spec:
                approvalMessage: Deploy the credit-card model?
                includePipelineExecutionHistory: true
                approvers:
                  userGroups: [account.ml_team]
                  minimumCount: 1
)"},
                            R"(notificationRules:
  - name: Paused
    pipelineEvents: [{type: PipelinePaused}]
    notificationMethod: {type: Email, spec: {recipients: [ops@example.test]}}
)"));
  RunResult run = p_.Sluice({"run"});
  ASSERT_EQ(run.exit_code, 3) << run.out << run.err;
  std::vector<DeliveredMail> mail = notify::testing::ReadMaildir(p_.state() / "mail");
  ASSERT_EQ(mail.size(), 2u);
  for (const DeliveredMail& m : mail) {
    EXPECT_EQ(m.headers.at("Subject"),
              "[sluice] notify_demo #1 waits for approval at Approve.approve_model");
    EXPECT_NE(m.body.find("Message:   Deploy the credit-card model?"), std::string::npos);
  }
  std::set<std::string> to = {mail[0].headers.at("X-RcptTo"), mail[1].headers.at("X-RcptTo")};
  EXPECT_EQ(to,
            (std::set<std::string>{"bob@bank.example, carol@bank.example", "ops@example.test"}));
  std::string id = run.out.substr(10, run.out.find(' ', 10) - 10);
  EXPECT_NE(Log(id, "Approve.approve_model")
                .find("no .harness/smtp.yaml: delivered to the local Maildir"),
            std::string::npos);
}

TEST_F(NotifyTest, ANotificationThatCannotBeSentIsOnlyAWarning) {
  // Port 1 on 127.0.0.1: nothing listens there.
  p_.Write(".harness/smtp.yaml",
           "smtp:\n  host: 127.0.0.1\n  port: 1\n  fromAddress: ci@example.test\n"
           "  connectTimeout: 2s\n");
  WritePipeline("echo training");
  RunResult raw;
  nlohmann::json run = p_.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(run["status"], "Success");
  std::string log = Log(run["id"], "Deploy");
  EXPECT_NE(log.find("[sluice] warning: notification \"Run results\" (PipelineSuccess): e-mail to "
                     "ops@example.test not sent: SMTP delivery through smtp://127.0.0.1:1 "
                     "(.harness/smtp.yaml) failed: "),
            std::string::npos)
      << log;
}

}  // namespace
}  // namespace sluice::testing
