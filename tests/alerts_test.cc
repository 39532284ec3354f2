// Alert rules through the real binary: a run whose ModelStaleness step
// finds the model stale fires the rule once and mails the team (the local
// Maildir), `sluice alerts` shows where it stands, and sluice server
// evaluates the rules on its own every --alert-interval.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "notify/smtp_test_server.h"
#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

using notify::testing::ReadMaildir;
using ::testing::HasSubstr;

constexpr char kRule[] = R"(alert:
  name: Stale model
  identifier: stale_model
  condition: {type: ModelStale, spec: {model: ccapproval}}
  notificationMethod: {type: Email, spec: {recipients: [ml-team@bank.example]}}
)";

class AlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The model's source last changed nine days ago.
    repo_ = p_.scratch() / "model";
    std::filesystem::create_directories(repo_ / "src");
    ASSERT_EQ(GitIn(repo_, {"init", "--quiet", "-b", "main"}), 0);
    std::ofstream(repo_ / "src/train.cc") << "model\n";
    const auto nine_days_ago = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count() -
                               9 * 86400;
    const std::string date = "@" + std::to_string(nine_days_ago) + " +0000";
    setenv("GIT_AUTHOR_DATE", date.c_str(), 1);
    setenv("GIT_COMMITTER_DATE", date.c_str(), 1);
    ASSERT_EQ(GitIn(repo_, {"add", "-A"}), 0);
    ASSERT_EQ(GitIn(repo_, {"commit", "--quiet", "-m", "train the model"}), 0);
    unsetenv("GIT_AUTHOR_DATE");
    unsetenv("GIT_COMMITTER_DATE");
    p_.WritePipeline(Pipeline(
        "monitor",
        {CustomStage("Monitor",
                     {"- step:\n    identifier: stale\n    name: stale\n    type: ModelStaleness\n"
                      "    spec:\n      model: ccapproval\n      repository: " +
                      repo_.string() +
                      "\n      branch: main\n      paths: [src]\n"
                      "      maxAgeDays: 7\n"})}));
  }

  std::vector<notify::testing::DeliveredMail> Mail() const {
    return ReadMaildir(p_.state() / "mail");
  }

  TestProject p_;
  std::filesystem::path repo_;
};

TEST_F(AlertsTest, ARunThatFindsTheModelStaleMailsTheTeamOnce) {
  p_.Write(".harness/alerts/stale_model.yaml", kRule);
  RunResult run = p_.Sluice({"run"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("alert \"Stale model\" is firing: model ccapproval: its source "
                                 "last changed"));
  auto mail = Mail();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].headers["Subject"], "[sluice] FIRING: Stale model");
  EXPECT_EQ(mail[0].headers["To"], "ml-team@bank.example");
  EXPECT_THAT(mail[0].body, HasSubstr("9.0 days ago; 7.0 days allowed"));

  // Still stale at the next run: nothing more is sent.
  run = p_.Sluice({"run"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(Mail().size(), 1u);

  RunResult list = p_.Sluice({"alerts"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("stale_model  Stale model\n"
                                  "  condition: ModelStale of model ccapproval\n"
                                  "  notifies:  Email to ml-team@bank.example, also when "
                                  "resolved\n"
                                  "  state:     FIRING since "));
  EXPECT_THAT(list.out, HasSubstr("(episode 1)\n"));

  RunResult check = p_.Sluice({"alerts", "check"});
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out, "1 alert rule(s) evaluated: 0 changed, 1 firing\n");
}

TEST_F(AlertsTest, AnAlertFileWithErrorsIsReportedWhereItIs) {
  p_.Write(".harness/alerts/bad.yaml",
           "alert:\n  identifier: bad\n  condition: {type: Latency, spec: {}}\n"
           "  notificationMethod: {type: Email, spec: {recipients: [a@b.c]}}\n");
  RunResult validate = p_.Sluice({"validate"});
  EXPECT_NE(validate.exit_code, 0);
  EXPECT_THAT(validate.err, HasSubstr(".harness/alerts/bad.yaml:3:"));
  EXPECT_THAT(validate.err, HasSubstr("unknown alert condition \"Latency\""));
  RunResult list = p_.Sluice({"alerts"});
  EXPECT_EQ(list.exit_code, 2);
}

TEST_F(AlertsTest, TheServerEvaluatesTheRulesOnItsOwn) {
  // The check is recorded before the rule exists, so only the server can
  // fire it.
  RunResult run = p_.Sluice({"run"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(Mail().empty());
  p_.Write(".harness/alerts/stale_model.yaml", kRule);
  auto server = p_.Start(
      {"server", "--addr", "127.0.0.1:0", "--ui", p_.root().string(), "--alert-interval", "200ms"});
  EXPECT_TRUE(WaitFor([&] { return !Mail().empty(); }, std::chrono::seconds(20)))
      << server->StdoutSoFar() << server->StderrSoFar();
  // Several more evaluations: still one message.
  EXPECT_TRUE(WaitFor([&] { return Count(server->StdoutSoFar(), "[sluice] notify:") > 0; }));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  server->Signal(SIGTERM);
  RunResult stopped = server->Wait();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  auto mail = Mail();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].headers["Subject"], "[sluice] FIRING: Stale model");
  EXPECT_THAT(mail[0].body, HasSubstr("Open: http://127.0.0.1:"));
  EXPECT_EQ(Count(stopped.out, "is firing"), 1u) << stopped.out;
}

}  // namespace
}  // namespace sluice::testing
