// Mailer against a real SMTP server (aiosmtpd, notify/smtp_test_server.h):
// plain delivery, STARTTLS with AUTH, and the errors a user must be able to
// act on; and the local Maildir when the project has no SMTP settings.
#include "notify/mailer.h"

#include <gtest/gtest.h>

#include "common/files.h"
#include "notify/smtp_test_server.h"

namespace sluice::notify {
namespace {

using testing::DeliveredMail;
using testing::TestSmtpServer;

constexpr char kPassword[] = "s3cret-Pa55";

class MailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-mailer-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
  }

  std::filesystem::path Dir() const { return dir_->path(); }

  pipeline::SmtpConfig Config(int port) const {
    pipeline::SmtpConfig c;
    c.host = "127.0.0.1";
    c.port = port;
    c.from_address = "ci@example.test";
    c.from_name = "sluice CI";
    c.ehlo_name = "ci.example.test";
    c.file = ".harness/smtp.yaml";
    c.connect_timeout = std::chrono::seconds(5);
    c.timeout = std::chrono::seconds(20);
    return c;
  }

  Mailer MakeMailer(std::optional<pipeline::SmtpConfig> c) const {
    return Mailer(std::move(c), Dir(), Dir() / "state",
                  [](const std::string& id) -> Result<std::string> {
                    if (id == "smtp_password") return std::string(kPassword);
                    if (id == "wrong_password") return std::string("not-it");
                    return Status::NotFound("no secret " + id);
                  });
  }

  static MailMessage Message() {
    MailMessage m;
    m.from_address = "ci@example.test";
    m.from_name = "sluice CI";
    m.to = {"team@example.test", "ops@example.test"};
    m.cc = {"lead@example.test"};
    m.subject = "[sluice] credit_card #12 succeeded";
    m.body = "Deployment of model v3 finished.\n.\nA line that is only a dot.\n";
    m.date_ms = 1795687200000;
    return m;
  }

  std::unique_ptr<TempDir> dir_;
};

TEST_F(MailerTest, DeliversThroughAPlainSmtpServer) {
  auto server = TestSmtpServer::StartPlain(Dir() / "Maildir");
  ASSERT_TRUE(server.ok()) << server.status().message();
  Mailer mailer = MakeMailer(Config((*server)->port()));
  auto sent = mailer.Send(Message());
  ASSERT_TRUE(sent.ok()) << sent.status().message();
  EXPECT_EQ(*sent, "sent through smtp://127.0.0.1:" + std::to_string((*server)->port()));

  std::vector<DeliveredMail> mail = testing::WaitForMail(Dir() / "Maildir", 1);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].headers["Subject"], "[sluice] credit_card #12 succeeded");
  EXPECT_EQ(mail[0].headers["From"], "\"sluice CI\" <ci@example.test>");
  EXPECT_EQ(mail[0].headers["To"], "team@example.test, ops@example.test");
  EXPECT_EQ(mail[0].headers["Cc"], "lead@example.test");
  EXPECT_EQ(mail[0].headers["X-MailFrom"], "ci@example.test");
  EXPECT_EQ(mail[0].headers["X-RcptTo"], "team@example.test, ops@example.test, lead@example.test");
  EXPECT_EQ(mail[0].body, "Deployment of model v3 finished.\n.\nA line that is only a dot.\n");
}

TEST_F(MailerTest, DeliversWithStartTlsAndAuth) {
  ASSERT_TRUE(testing::MakeCertificate(Dir()).ok());
  auto server = TestSmtpServer::StartTls(Dir() / "Maildir", Dir() / "cert.pem", Dir() / "key.pem",
                                         "ci", kPassword);
  ASSERT_TRUE(server.ok()) << server.status().message();
  pipeline::SmtpConfig c = Config((*server)->port());
  c.start_tls = pipeline::StartTls::kRequired;
  c.username = "ci";
  c.password_ref = "smtp_password";
  c.ca_file = "cert.pem";  // relative to the project
  auto sent = MakeMailer(c).Send(Message());
  ASSERT_TRUE(sent.ok()) << sent.status().message();
  std::vector<DeliveredMail> mail = testing::WaitForMail(Dir() / "Maildir", 1);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].headers["Subject"], "[sluice] credit_card #12 succeeded");
  EXPECT_EQ(mail[0].headers["X-RcptTo"], "team@example.test, ops@example.test, lead@example.test");
}

TEST_F(MailerTest, AWrongPasswordIsAClearErrorWithoutThePassword) {
  ASSERT_TRUE(testing::MakeCertificate(Dir()).ok());
  auto server = TestSmtpServer::StartTls(Dir() / "Maildir", Dir() / "cert.pem", Dir() / "key.pem",
                                         "ci", kPassword);
  ASSERT_TRUE(server.ok()) << server.status().message();
  pipeline::SmtpConfig c = Config((*server)->port());
  c.start_tls = pipeline::StartTls::kRequired;
  c.username = "ci";
  c.password_ref = "wrong_password";
  c.ca_file = (Dir() / "cert.pem").string();
  auto sent = MakeMailer(c).Send(Message());
  ASSERT_FALSE(sent.ok());
  const std::string m = sent.status().message();
  EXPECT_NE(m.find("SMTP delivery through smtp://127.0.0.1:"), std::string::npos) << m;
  EXPECT_NE(m.find("Login denied"), std::string::npos) << m;
  EXPECT_NE(m.find("check username and the secret \"wrong_password\""), std::string::npos) << m;
  EXPECT_NE(m.find("the server said: 535"), std::string::npos) << m;
  EXPECT_EQ(m.find("not-it"), std::string::npos) << m;
  EXPECT_TRUE(testing::ReadMaildir(Dir() / "Maildir").empty());
}

TEST_F(MailerTest, RequiredStartTlsWithoutServerSupportIsAClearError) {
  auto server = TestSmtpServer::StartPlain(Dir() / "Maildir");
  ASSERT_TRUE(server.ok()) << server.status().message();
  pipeline::SmtpConfig c = Config((*server)->port());
  c.start_tls = pipeline::StartTls::kRequired;
  auto sent = MakeMailer(c).Send(Message());
  ASSERT_FALSE(sent.ok());
  EXPECT_NE(sent.status().message().find("startTLS is required but the server offers no STARTTLS"),
            std::string::npos)
      << sent.status().message();
  EXPECT_TRUE(testing::ReadMaildir(Dir() / "Maildir").empty());

  c.start_tls = pipeline::StartTls::kOpportunistic;  // goes on in the clear
  ASSERT_TRUE(MakeMailer(c).Send(Message()).ok());
  EXPECT_EQ(testing::WaitForMail(Dir() / "Maildir", 1).size(), 1u);
}

TEST_F(MailerTest, AnUnknownPasswordSecretIsNamed) {
  pipeline::SmtpConfig c = Config(1);
  c.username = "ci";
  c.password_ref = "nope";
  auto sent = MakeMailer(c).Send(Message());
  ASSERT_FALSE(sent.ok());
  EXPECT_NE(sent.status().message().find("passwordRef names secret \"nope\": no secret nope"),
            std::string::npos)
      << sent.status().message();
}

TEST_F(MailerTest, WithoutSmtpSettingsMailGoesToTheLocalMaildir) {
  Mailer mailer = MakeMailer(std::nullopt);
  ASSERT_TRUE(mailer.local());
  auto sent = mailer.Send(Message());
  ASSERT_TRUE(sent.ok()) << sent.status().message();
  EXPECT_NE(sent->find("no .harness/smtp.yaml: delivered to the local Maildir " +
                       (Dir() / "state" / "mail").string()),
            std::string::npos)
      << *sent;
  std::vector<DeliveredMail> mail = testing::ReadMaildir(Dir() / "state" / "mail");
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].headers["Subject"], "[sluice] credit_card #12 succeeded");
  EXPECT_EQ(mail[0].headers["X-RcptTo"], "team@example.test, ops@example.test, lead@example.test");
  EXPECT_EQ(mail[0].body, "Deployment of model v3 finished.\n.\nA line that is only a dot.\n");
  EXPECT_TRUE(std::filesystem::is_directory(Dir() / "state" / "mail" / "cur"));
}

}  // namespace
}  // namespace sluice::notify
