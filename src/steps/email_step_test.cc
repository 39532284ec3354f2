#include "steps/email_step.h"

#include <gtest/gtest.h>

#include "common/files.h"
#include "notify/smtp_test_server.h"
#include "steps/step_test_util.h"

namespace sluice::steps {
namespace {

using notify::testing::ReadMaildir;

class EmailStepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-email-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
  }
  std::filesystem::path State() const { return dir_->path() / "state"; }
  std::unique_ptr<TempDir> dir_;
};

TEST_F(EmailStepTest, WithoutSmtpSettingsTheMessageLandsInTheLocalMaildir) {
  TestStepContext t("Email",
                    "to: team@example.test, ops@example.test\n"
                    "cc: lead@example.test\n"
                    "toUserGroups: [account.ml_team]\n"
                    "subject: Model approved\n"
                    "body: <p>The model is <b>live</b>.</p>\n",
                    nlohmann::json::object(), dir_->path(), State());
  pipeline::UserGroup g;
  g.identifier = "ml_team";
  g.users = {"ana@example.test", "bob"};
  t.project().user_groups.push_back(g);
  EmailStep step;
  engine::StepOutcome o = step.Execute(t.ctx());
  ASSERT_EQ(o.status, engine::NodeStatus::kSuccess) << o.failure_message << t.log.All();
  const std::string log = t.log.All();
  EXPECT_NE(log.find("[sluice] e-mail \"Model approved\" to team@example.test, ops@example.test, "
                     "ana@example.test, cc lead@example.test"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("no .harness/smtp.yaml: delivered to the local Maildir " +
                     (State() / "mail").string()),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("warning: user \"bob\" of user group \"ml_team\": no user store"),
            std::string::npos)
      << log;
  auto mail = ReadMaildir(State() / "mail");
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].headers["Subject"], "Model approved");
  EXPECT_EQ(mail[0].headers["Cc"], "lead@example.test");
  EXPECT_NE(mail[0].headers["Content-Type"].find("multipart/alternative"), std::string::npos);
}

TEST_F(EmailStepTest, AFailedDeliveryFailsTheStepUnlessFireAndForget) {
  for (bool forget : {false, true}) {
    TestStepContext t("Email",
                      std::string("to: a@example.test\nsubject: s\nfireAndForget: ") +
                          (forget ? "true" : "false") + "\n",
                      nlohmann::json::object(), dir_->path(), State());
    pipeline::SmtpConfig c;
    c.host = "127.0.0.1";
    c.port = 1;  // nothing listens
    c.from_address = "ci@example.test";
    c.file = ".harness/smtp.yaml";
    t.project().smtp = c;
    engine::StepOutcome o = EmailStep().Execute(t.ctx());
    if (forget) {
      EXPECT_EQ(o.status, engine::NodeStatus::kSuccess);
      EXPECT_NE(t.log.All().find("warning: not sent (fireAndForget"), std::string::npos);
    } else {
      EXPECT_EQ(o.status, engine::NodeStatus::kFailed);
      EXPECT_EQ(o.failure_type, pipeline::ErrorType::kConnectivity);
      EXPECT_NE(o.failure_message.find("SMTP delivery through smtp://127.0.0.1:1"),
                std::string::npos)
          << o.failure_message;
    }
  }
}

TEST_F(EmailStepTest, ValidationWantsASubjectARecipientAndAddresses) {
  TestStepContext t("Email", "to: not-an-address\ncc: a@b.c\n");
  DiagnosticList diags;
  EmailStep().ValidateSpec(t.node(), t.stage(), &diags);
  std::string m;
  for (const Diagnostic& d : diags.items()) m += d.message + "\n";
  EXPECT_NE(m.find("subject"), std::string::npos) << m;
  EXPECT_NE(m.find("to: \"not-an-address\" is not an e-mail address"), std::string::npos) << m;

  TestStepContext none("Email", "subject: hi\n");
  DiagnosticList d2;
  EmailStep().ValidateSpec(none.node(), none.stage(), &d2);
  ASSERT_EQ(d2.error_count(), 1);
  EXPECT_EQ(d2.items()[0].message,
            "an Email step needs \"to\" (comma-separated addresses) or \"toUserGroups\"");
}

}  // namespace
}  // namespace sluice::steps
