// Triggers in a running `sluice server`: a real bare repository whose
// post-receive hook (`sluice hooks install`) sends signed push events; a
// push that changes the model fires the training pipeline and one that
// changes only the README does not. Deliveries with a bad, missing or
// replayed signature, and malformed JSON, are refused and recorded. A
// cron trigger runs on its schedule.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "common/hash.h"
#include "server/api_test_util.h"
#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using server::testing::Call;
using server::testing::HttpReply;

constexpr char kSecret[] = "push-signing-key";

class TriggerServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    p_.WritePipeline(Pipeline("train",
                              {CustomStage("Train", {ShellStep("fit",
                                                               "echo training on "
                                                               "<+pipeline.variables.branch>")})},
                              "variables:\n  - name: branch\n    type: String\n"
                              "    value: <+input>\n"),
                     "train.yaml");
    p_.Write(".harness/triggers/model_push.yaml", R"(trigger:
  name: Train when the model changes on main
  identifier: model_push
  enabled: true
  orgIdentifier: o
  projectIdentifier: p
  pipelineIdentifier: train
  encryptedWebhookSecretIdentifier: hook_secret
  source:
    type: Webhook
    spec:
      type: Github
      spec:
        type: Push
        spec:
          connectorRef: repo
          payloadConditions:
            - key: targetBranch
              operator: Equals
              value: main
            - key: changedFiles
              operator: StartsWith
              value: model/
  inputYaml: |
    pipeline:
      identifier: train
      variables:
        - name: branch
          type: String
          value: <+trigger.branch>
)");
    ASSERT_EQ(
        p_.Sluice({"secret", "set", "hook_secret"}, {.stdin_text = std::string(kSecret) + "\n"})
            .exit_code,
        0);
    auto add = p_.Sluice({"user", "add", "vic", "--role", "viewer", "--password-stdin"},
                         {.stdin_text = "vic-password-12\n"});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    auto token = p_.Sluice({"token", "create", "--user", "vic"});
    ASSERT_EQ(token.exit_code, 0) << token.err;
    auth_ = "Authorization: Bearer " + token.out.substr(0, token.out.find('\n')) + "\r\n";
  }

  void TearDown() override {
    if (server_) {
      server_->Signal(SIGTERM);
      EXPECT_EQ(server_->Wait().exit_code, 0);
    }
  }

  uint16_t StartServer() {
    server_ = p_.Start({"server", "--addr", "127.0.0.1:0", "--no-sandbox"},
                       {.timeout = std::chrono::minutes(5)});
    uint16_t port = 0;
    EXPECT_TRUE(WaitFor([&] {
      std::ifstream in(p_.state() / "server.json");
      nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
      if (!doc.is_object() || doc.value("pid", 0) != server_->pid()) return false;
      std::string addr = doc.value("addr", "");
      port = static_cast<uint16_t>(std::stoi(addr.substr(addr.rfind(':') + 1)));
      return true;
    })) << server_->StderrSoFar();
    return port;
  }

  // Commits `path` in the work tree and pushes; what git printed.
  std::string CommitAndPush(const fs::path& work, const std::string& path,
                            const std::string& text) {
    fs::create_directories((work / path).parent_path());
    std::ofstream(work / path) << text;
    EXPECT_EQ(GitIn(work, {"add", "-A"}), 0);
    EXPECT_EQ(GitIn(work, {"commit", "-q", "-m", "change " + path}), 0);
    std::string out;
    EXPECT_EQ(GitIn(work, {"push", "-q", "origin", "main"}, &out), 0) << out;
    return out;
  }

  nlohmann::json Executions(uint16_t port) {
    return Call(port, "GET", "/api/executions", auth_).json()["executions"];
  }

  TestProject p_;
  std::string auth_;
  std::unique_ptr<SluiceProcess> server_;
};

TEST_F(TriggerServerTest, APushThatChangesTheModelFiresAndOneThatChangesTheReadmeDoesNot) {
  const fs::path bare = p_.scratch() / "models.git";
  ASSERT_EQ(GitIn(p_.scratch(), {"init", "-q", "--bare", "-b", "main", bare.string()}), 0);
  ASSERT_EQ(GitIn(p_.scratch(), {"clone", "-q", bare.string(), "work"}), 0);
  const fs::path work = p_.scratch() / "work";
  ASSERT_EQ(p_.Sluice({"hooks", "install", bare.string(), "--secret", "hook_secret"}).exit_code, 0);
  uint16_t port = StartServer();

  std::string readme = CommitAndPush(work, "README.md", "hello\n");
  EXPECT_NE(readme.find("sent to http://127.0.0.1:"), std::string::npos) << readme;
  EXPECT_TRUE(Executions(port).empty());

  std::string model = CommitAndPush(work, "model/train.py", "fit()\n");
  ASSERT_TRUE(WaitFor([&] { return Executions(port).size() == 1; })) << model;
  const std::string id = Executions(port)[0].value("id", "");
  ASSERT_TRUE(WaitFor([&] { return Executions(port)[0].value("status", "") == "Success"; },
                      std::chrono::seconds(30)));
  EXPECT_EQ(Executions(port)[0].value("triggerType", ""), "WEBHOOK");
  EXPECT_NE(Call(port, "GET", "/api/executions/" + id + "/logs?node=Train.fit", auth_)
                .body.find("training on main"),
            std::string::npos);

  // Both deliveries are recorded with what decided them.
  auto deliveries = Call(port, "GET", "/api/webhooks/deliveries", auth_).json()["deliveries"];
  ASSERT_EQ(deliveries.size(), 2u) << deliveries.dump(2);
  EXPECT_EQ(deliveries[0]["signature"], "valid");
  EXPECT_TRUE(deliveries[0]["triggers"][0]["fired"].get<bool>());
  EXPECT_EQ(deliveries[0]["triggers"][0]["execution"], id);
  EXPECT_FALSE(deliveries[1]["triggers"][0]["fired"].get<bool>());
  EXPECT_NE(deliveries[1]["triggers"][0]["reason"].get<std::string>().find("changedFiles"),
            std::string::npos)
      << deliveries[1].dump(2);
}

TEST_F(TriggerServerTest, BadMissingAndReplayedSignaturesAndMalformedJsonAreRefused) {
  uint16_t port = StartServer();
  const std::string body =
      R"({"ref": "refs/heads/main", "before": "0000000000000000000000000000000000000000",
          "after": "1111111111111111111111111111111111111111",
          "commits": [{"id": "1111111111111111111111111111111111111111", "added": ["model/a.py"],
                       "modified": [], "removed": []}],
          "repository": {"full_name": "bank/models"}, "sender": {"login": "ada"}})";
  auto deliver = [&](const std::string& id, const std::string& signature, const std::string& b) {
    std::string headers = "X-GitHub-Event: push\r\nX-GitHub-Delivery: " + id +
                          "\r\nContent-Type: application/json\r\n";
    if (!signature.empty()) headers += "X-Hub-Signature-256: " + signature + "\r\n";
    return Call(port, "POST", "/api/webhooks/github", headers, b);
  };
  HttpReply missing = deliver("d-1", "", body);
  EXPECT_EQ(missing.status, 401) << missing.body;
  HttpReply bad = deliver("d-2", "sha256=" + HmacSha256Hex("wrong-key", body), body);
  EXPECT_EQ(bad.status, 401) << bad.body;
  EXPECT_EQ(bad.body.find(kSecret), std::string::npos);
  HttpReply good = deliver("d-3", "sha256=" + HmacSha256Hex(kSecret, body), body);
  ASSERT_EQ(good.status, 202) << good.body;
  EXPECT_TRUE(good.json()["triggers"][0]["fired"].get<bool>()) << good.body;
  HttpReply replay = deliver("d-3", "sha256=" + HmacSha256Hex(kSecret, body), body);
  EXPECT_EQ(replay.status, 200) << replay.body;
  EXPECT_TRUE(replay.json().value("duplicate", false));
  HttpReply malformed = deliver("d-4", "", "{\"ref\": ");
  EXPECT_EQ(malformed.status, 400) << malformed.body;
  ASSERT_TRUE(WaitFor([&] { return Executions(port).size() == 1; }));  // d-3's run only

  auto deliveries = Call(port, "GET", "/api/webhooks/deliveries", auth_).json()["deliveries"];
  ASSERT_EQ(deliveries.size(), 4u) << deliveries.dump(2);
  EXPECT_EQ(deliveries[3]["signature"], "missing");
  EXPECT_EQ(deliveries[2]["signature"], "invalid");
}

TEST_F(TriggerServerTest, ACronTriggerRunsOnItsSchedule) {
  p_.Write(".harness/triggers/often.yaml", R"(trigger:
  name: Every two seconds
  identifier: often
  pipelineIdentifier: train
  source:
    type: Scheduled
    spec:
      type: Cron
      spec:
        type: QUARTZ
        expression: "0/2 * * * * ?"
  inputYaml: |
    pipeline:
      identifier: train
      variables:
        - name: branch
          type: String
          value: nightly
)");
  uint16_t port = StartServer();
  ASSERT_TRUE(WaitFor([&] { return !Executions(port).empty(); }, std::chrono::seconds(20)))
      << server_->StdoutSoFar();
  nlohmann::json first = Executions(port).back();
  EXPECT_EQ(first.value("triggerType", ""), "SCHEDULER_CRON");
  auto triggers = Call(port, "GET", "/api/triggers", auth_).json()["triggers"];
  bool found = false;
  for (const auto& t : triggers) {
    if (t.value("identifier", "") != "often") continue;
    found = true;
    EXPECT_GT(t["schedule"].value("nextFireMs", int64_t{0}), 0) << t.dump();
  }
  EXPECT_TRUE(found) << triggers.dump(2);
  EXPECT_NE(server_->StdoutSoFar().find("scheduler: trigger often started execution"),
            std::string::npos);
}

}  // namespace
}  // namespace sluice::testing
