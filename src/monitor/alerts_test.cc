// Alert rules against a real store, the local Maildir and a local webhook
// endpoint: when a rule fires, that it tells once per episode, resolves,
// retries an undelivered notification, and judges each condition.
#include "monitor/alerts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>

#include "common/files.h"
#include "monitor/staleness.h"
#include "net/http_server.h"
#include "notify/smtp_test_server.h"

namespace sluice::monitor {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kNow = 1'704'067'200'000 + 20 * kDay;  // 2024-01-21T00:00:00Z

class AlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-alerts-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
    store_ = std::move(store::Store::Open(dir_->path() / "state").value());
    project_.root = dir_->path();
    server_ = net::HttpServer::Create();
    uint16_t port = 0;
    auto listener = server_->Listen(
        "127.0.0.1", 0,
        [this](net::HttpRequest request, std::shared_ptr<net::Responder> responder) {
          int status = 200;
          {
            std::lock_guard<std::mutex> lock(mu_);
            if (failures_ > 0) {
              --failures_;
              status = 503;
            } else {
              posts_.push_back(json::parse(request.body, nullptr, false));
            }
          }
          responder->Send(net::HttpResponse::Text(status, status == 200 ? "ok" : "down"));
        },
        &port);
    ASSERT_TRUE(listener.ok()) << listener.status().message();
    hook_ = "http://127.0.0.1:" + std::to_string(port) + "/alerts";
  }
  void TearDown() override { server_->Stop(); }

  void AddRule(const std::string& yaml) {
    DiagnosticList diags;
    auto rule = pipeline::ParseAlertRule(YAML::Load(yaml), "a.yaml", &diags);
    ASSERT_TRUE(rule.has_value() && !diags.has_errors()) << yaml;
    project_.alert_rules.push_back(std::move(*rule));
  }

  // A staleness check of ccapproval whose source last changed `days_ago`
  // (before the clock's now), with 7 days allowed.
  void CheckStaleness(double days_ago) {
    CommitInfo commit;
    commit.sha = "abc123";
    commit.committed_ms = clock_.NowMillis() - static_cast<int64_t>(days_ago * kDay);
    StalenessReport report = AssessStaleness("ccapproval", commit, 7, clock_.NowMillis(), {});
    ASSERT_TRUE(RecordStaleness(store_->monitor(), report, "").ok());
  }

  void CheckDrift(const std::string& status) {
    ASSERT_TRUE(store_->monitor()
                    .PutCheck({"drift",
                               "ccapproval",
                               {{"status", status},
                                {"max_psi", 0.31},
                                {"samples", 500},
                                {"approval_rate", {{"shift", -0.12}}}},
                               "",
                               clock_.NowMillis()})
                    .ok());
  }

  // `calls` invocations of function cc through `qualifier` started
  // `minutes_ago`, the first `failed` of them failing.
  void Invoke(int calls, int failed, const std::string& qualifier = "live", int minutes_ago = 1) {
    if (!store_->functions().GetFunction("cc").ok()) {
      ASSERT_TRUE(store_->functions().PutFunction("cc", {}, kNow - 30 * kDay).ok());
    }
    std::vector<store::InvocationRecord> batch;
    for (int i = 0; i < calls; ++i) {
      store::InvocationRecord r;
      r.function = "cc";
      r.qualifier = qualifier;
      r.version = "1";
      r.started_ms = clock_.NowMillis() - minutes_ago * 60'000;
      r.status = 200;
      if (i < failed) r.error_type = "Function.Unhandled";
      batch.push_back(r);
    }
    ASSERT_TRUE(store_->functions().AddInvocations(&batch, 0).ok());
  }

  std::vector<AlertChange> Evaluate() {
    lines_.clear();
    secrets::InMemorySecretStore secrets;
    return EvaluateProjectAlerts(project_, *store_, secrets, clock_, dir_->path() / "state",
                                 "http://127.0.0.1:8080",
                                 [this](std::string_view line) { lines_.emplace_back(line); });
  }

  std::vector<notify::testing::DeliveredMail> Mail() {
    return notify::testing::ReadMaildir(dir_->path() / "state" / "mail");
  }
  std::vector<json> Posts() {
    std::lock_guard<std::mutex> lock(mu_);
    return posts_;
  }
  store::AlertStateRecord State(const std::string& alert) {
    auto s = store_->monitor().GetAlertState(alert);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : store::AlertStateRecord{};
  }

  static constexpr char kStaleRule[] = R"(alert:
  identifier: stale
  name: Credit-card model is stale
  description: Retrain from the latest data.
  condition: {type: ModelStale, spec: {model: ccapproval}}
  notificationMethod: {type: Email, spec: {recipients: [mlops@bank.example]}}
)";

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<store::Store> store_;
  pipeline::Project project_;
  FakeClock clock_{kNow};
  std::unique_ptr<net::HttpServer> server_;
  std::string hook_;
  std::mutex mu_;
  int failures_ = 0;         // guarded by mu_: answers 503 this many times
  std::vector<json> posts_;  // guarded by mu_
  std::vector<std::string> lines_;
};

TEST_F(AlertsTest, AStaleModelMailsOncePerEpisodeAndSaysWhenItIsResolved) {
  AddRule(kStaleRule);
  CheckStaleness(9);
  auto changes = Evaluate();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_TRUE(changes[0].firing);
  EXPECT_TRUE(changes[0].delivered.ok()) << changes[0].delivered.ToString();
  auto mail = Mail();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].headers["Subject"], "[sluice] FIRING: Credit-card model is stale");
  EXPECT_EQ(mail[0].headers["To"], "mlops@bank.example");
  EXPECT_THAT(mail[0].body, HasSubstr("Seen: model ccapproval: its source last changed "
                                      "2024-01-12T00:00:00Z, 9.0 days ago; 7.0 days allowed"));
  EXPECT_THAT(mail[0].body, HasSubstr("Retrain from the latest data."));
  EXPECT_THAT(mail[0].body, HasSubstr("Open: http://127.0.0.1:8080/#/executions"));

  // Still stale an hour and a day later: nothing more is sent.
  clock_.Advance(3'600'000);
  EXPECT_TRUE(Evaluate().empty());
  CheckStaleness(10);
  clock_.Advance(kDay);
  EXPECT_TRUE(Evaluate().empty());
  EXPECT_EQ(Mail().size(), 1u);
  EXPECT_EQ(State("stale").episode, 1);

  // Retrained: resolved, told once.
  CheckStaleness(0.5);
  changes = Evaluate();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_FALSE(changes[0].firing);
  mail = Mail();
  ASSERT_EQ(mail.size(), 2u);
  EXPECT_EQ(mail[1].headers["Subject"], "[sluice] RESOLVED: Credit-card model is stale");
  EXPECT_TRUE(Evaluate().empty());

  // Stale again: a second episode.
  CheckStaleness(8);
  ASSERT_EQ(Evaluate().size(), 1u);
  EXPECT_EQ(Mail().size(), 3u);
  EXPECT_EQ(State("stale").episode, 2);
  EXPECT_TRUE(State("stale").firing);
}

TEST_F(AlertsTest, AModelGrowsStaleWithTimeWithoutAnotherCheck) {
  AddRule(kStaleRule);
  CheckStaleness(6.5);
  EXPECT_TRUE(Evaluate().empty());
  EXPECT_FALSE(State("stale").firing);
  clock_.Advance(kDay);
  auto changes = Evaluate();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_TRUE(changes[0].firing);
  EXPECT_THAT(changes[0].summary, HasSubstr("7.5 days ago"));
}

TEST_F(AlertsTest, WithoutACheckTheRuleSaysNothingAndExplainsWhy) {
  AddRule(kStaleRule);
  EXPECT_TRUE(Evaluate().empty());
  EXPECT_TRUE(Mail().empty());
  EXPECT_FALSE(State("stale").firing);
}

TEST_F(AlertsTest, AnErrorRateAboveTheThresholdPostsToTheWebhookOnce) {
  AddRule(R"(alert:
  identifier: errors
  name: Approval function failing
  condition:
    type: ErrorRate
    spec: {function: cc, qualifier: live, threshold: 10%, window: 15m, minInvocations: 20}
  notificationMethod: {type: Webhook, spec: {webhookUrl: )" +
          hook_ + R"(}}
)");
  // Too few calls say nothing, however many fail.
  Invoke(10, 10);
  EXPECT_TRUE(Evaluate().empty());
  // Failures long ago and through another alias do not count.
  Invoke(50, 50, "live", 60);
  Invoke(50, 50, "canary");
  Invoke(20, 1);  // 11 of 30 within the window
  auto changes = Evaluate();
  ASSERT_EQ(changes.size(), 1u) << State("errors").summary;
  EXPECT_EQ(changes[0].summary,
            "function cc:live: 11 of 30 calls failed in the last 15m (36.7%; alert at 10.0%)");
  EXPECT_TRUE(changes[0].delivered.ok()) << changes[0].delivered.ToString();
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0]["alert"], "errors");
  EXPECT_EQ(posts[0]["status"], "firing");
  EXPECT_EQ(posts[0]["condition"], "ErrorRate");
  EXPECT_EQ(posts[0]["episode"], 1);
  EXPECT_EQ(posts[0]["value"]["calls"], 30);
  EXPECT_EQ(posts[0]["value"]["failed"], 11);
  EXPECT_EQ(posts[0]["url"], "http://127.0.0.1:8080/#/functions/cc");
  EXPECT_TRUE(Evaluate().empty());
  EXPECT_EQ(Posts().size(), 1u);

  // Twenty minutes on, the failures have left the window.
  clock_.Advance(20 * 60'000);
  Invoke(30, 0);
  changes = Evaluate();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_FALSE(changes[0].firing);
  ASSERT_EQ(Posts().size(), 2u);
  EXPECT_EQ(Posts()[1]["status"], "resolved");
}

TEST_F(AlertsTest, AnUndeliveredNotificationIsTriedAgainAndSentOnce) {
  AddRule(R"(alert:
  identifier: drift
  name: Applicants drifted
  condition: {type: ModelDrift, spec: {model: ccapproval}}
  sendResolved: false
  notificationMethod: {type: Webhook, spec: {webhookUrl: )" +
          hook_ + R"(}}
)");
  {
    std::lock_guard<std::mutex> lock(mu_);
    failures_ = 2;  // the first attempt and its retry
  }
  CheckDrift("drift");
  auto changes = Evaluate();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_FALSE(changes[0].delivered.ok());
  EXPECT_THAT(State("drift").error, HasSubstr("503"));
  EXPECT_FALSE(State("drift").notified);
  EXPECT_TRUE(Posts().empty());

  EXPECT_TRUE(Evaluate().empty());  // no new change, but the notification goes out
  ASSERT_EQ(Posts().size(), 1u);
  EXPECT_EQ(Posts()[0]["status"], "firing");
  EXPECT_TRUE(State("drift").notified);
  EXPECT_EQ(State("drift").error, "");
  Evaluate();
  EXPECT_EQ(Posts().size(), 1u);

  // sendResolved: false says nothing when it stops.
  CheckDrift("ok");
  ASSERT_EQ(Evaluate().size(), 1u);
  EXPECT_EQ(Posts().size(), 1u);
}

TEST_F(AlertsTest, DriftFiresOnDriftOrOnWarningsWhenAskedAndKeepsItsPlaceWithoutData) {
  AddRule(R"(alert:
  identifier: drift
  condition: {type: ModelDrift, spec: {model: ccapproval}}
  notificationMethod: {type: Email, spec: {recipients: [a@bank.example]}}
)");
  AddRule(R"(alert:
  identifier: drift_warn
  condition: {type: ModelDrift, spec: {model: ccapproval, level: warn}}
  notificationMethod: {type: Email, spec: {recipients: [a@bank.example]}}
)");
  CheckDrift("warn");
  auto changes = Evaluate();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].alert, "drift_warn");
  EXPECT_THAT(changes[0].summary, HasSubstr("drift check warn (highest PSI 0.310, approval rate "
                                            "moved -12.0 points) over 500 calls"));
  CheckDrift("drift");
  changes = Evaluate();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].alert, "drift");
  CheckDrift("insufficient_data");
  EXPECT_TRUE(Evaluate().empty());
  EXPECT_TRUE(State("drift").firing);
}

TEST_F(AlertsTest, ARuleThatIsDisabledOrRemovedLosesItsState) {
  AddRule(kStaleRule);
  CheckStaleness(9);
  ASSERT_EQ(Evaluate().size(), 1u);
  project_.alert_rules[0].enabled = false;
  Evaluate();
  EXPECT_EQ(store_->monitor().GetAlertState("stale").status().code(), StatusCode::kNotFound);
  // Enabled again, it is a new episode.
  project_.alert_rules[0].enabled = true;
  ASSERT_EQ(Evaluate().size(), 1u);
  EXPECT_EQ(Mail().size(), 2u);
}

}  // namespace
}  // namespace sluice::monitor
