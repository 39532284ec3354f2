// `sluice hooks` with real git: a post-receive hook installed in a bare
// repository sends each push as a signed GitHub push event (here to a
// loopback HTTP receiver that checks the signature as GitHub's receivers
// do); foreign hooks are kept; a hook with nowhere to send says so
// without refusing the push.
#include <gtest/gtest.h>

#include <fstream>
#include <mutex>

#include "common/hash.h"
#include "net/http_server.h"
#include "test_project.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

class HooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bare_ = p_.scratch() / "models.git";
    ASSERT_EQ(GitIn(p_.scratch(), {"init", "-q", "--bare", "-b", "main", bare_.string()}), 0);
    ASSERT_EQ(GitIn(p_.scratch(), {"clone", "-q", bare_.string(), "work"}), 0);
    work_ = p_.scratch() / "work";
  }
  void TearDown() override {
    if (http_) http_->Stop();
  }

  void CommitFile(const std::string& path, const std::string& text, const std::string& message) {
    fs::create_directories((work_ / path).parent_path());
    std::ofstream(work_ / path) << text;
    ASSERT_EQ(GitIn(work_, {"add", "-A"}), 0);
    ASSERT_EQ(GitIn(work_, {"commit", "-q", "-m", message}), 0);
  }

  // A receiver on a free loopback port; returns its webhook URL.
  std::string Receive() {
    http_ = net::HttpServer::Create();
    uint16_t port = 0;
    auto listening = http_->Listen(
        "127.0.0.1", 0,
        [this](net::HttpRequest request, std::shared_ptr<net::Responder> responder) {
          std::lock_guard<std::mutex> lock(mu_);
          received_.push_back(std::move(request));
          responder->Send(net::HttpResponse::Json(202, R"({"accepted":true})"));
        },
        &port);
    EXPECT_TRUE(listening.ok());
    return "http://127.0.0.1:" + std::to_string(port) + "/api/webhooks/github";
  }

  TestProject p_;
  fs::path bare_;
  fs::path work_;
  std::unique_ptr<net::HttpServer> http_;
  std::mutex mu_;
  std::vector<net::HttpRequest> received_;
};

TEST_F(HooksTest, APushIsSentAsASignedGitHubPushEvent) {
  RunResult secret = p_.Sluice({"secret", "set", "webhook"}, {.stdin_text = "hook-key-1\n"});
  ASSERT_EQ(secret.exit_code, 0) << secret.err;
  const std::string url = Receive();
  RunResult installed = p_.Sluice({"hooks", "install", bare_.string(), "--url", url, "--secret",
                                   "webhook", "--repository", "bank/models"});
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  EXPECT_NE(installed.out.find("signed with secret webhook"), std::string::npos) << installed.out;
  auto hook = ReadFile(bare_ / "hooks/post-receive");
  ASSERT_TRUE(hook.ok());
  EXPECT_EQ(hook->find("hook-key-1"), std::string::npos) << "the secret is not in the hook";

  CommitFile("model/train.py", "fit()\n", "Train the model");
  std::string pushed;
  ASSERT_EQ(GitIn(work_, {"push", "-q", "origin", "main"}, &pushed), 0) << pushed;
  EXPECT_NE(pushed.find("refs/heads/main (1 commit) sent to " + url), std::string::npos) << pushed;

  std::lock_guard<std::mutex> lock(mu_);
  ASSERT_EQ(received_.size(), 1u);
  const net::HttpRequest& r = received_[0];
  EXPECT_EQ(r.header("X-GitHub-Event"), "push");
  EXPECT_FALSE(r.header("X-GitHub-Delivery").empty());
  EXPECT_EQ(r.header("X-Hub-Signature-256"), "sha256=" + HmacSha256Hex("hook-key-1", r.body));
  nlohmann::json payload = nlohmann::json::parse(r.body);
  EXPECT_EQ(payload["ref"], "refs/heads/main");
  EXPECT_EQ(payload["repository"]["full_name"], "bank/models");
  ASSERT_EQ(payload["commits"].size(), 1u);
  EXPECT_EQ(payload["commits"][0]["added"], nlohmann::json({"model/train.py"}));
  EXPECT_EQ(payload["head_commit"]["message"], "Train the model");
}

TEST_F(HooksTest, AForeignHookIsKeptUnlessForced) {
  fs::create_directories(bare_ / "hooks");
  std::ofstream(bare_ / "hooks/post-receive") << "#!/bin/sh\necho theirs\n";
  RunResult refused = p_.Sluice({"hooks", "install", bare_.string()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
  RunResult forced = p_.Sluice({"hooks", "install", bare_.string(), "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  auto kept = ReadFile(bare_ / "hooks/post-receive.before-sluice");
  ASSERT_TRUE(kept.ok());
  EXPECT_NE(kept->find("echo theirs"), std::string::npos);
  // Installing again replaces sluice's own hook without --force.
  EXPECT_EQ(p_.Sluice({"hooks", "install", bare_.string()}).exit_code, 0);
}

TEST_F(HooksTest, WithNoServerRunningThePushGoesThroughAndSaysWhy) {
  ASSERT_EQ(p_.Sluice({"hooks", "install", bare_.string()}).exit_code, 0);
  CommitFile("README.md", "hi\n", "Readme");
  std::string pushed;
  ASSERT_EQ(GitIn(work_, {"push", "-q", "origin", "main"}, &pushed), 0) << pushed;
  EXPECT_NE(pushed.find("no sluice server runs for"), std::string::npos) << pushed;
  EXPECT_EQ(GitIn(bare_, {"rev-parse", "--verify", "-q", "main"}), 0) << "the push landed";
}

TEST_F(HooksTest, NotARepositoryOrAMissingSecretIsAUsageError) {
  RunResult not_repo = p_.Sluice({"hooks", "install", p_.scratch().string() + "/nowhere"});
  EXPECT_EQ(not_repo.exit_code, 2);
  EXPECT_NE(not_repo.err.find("no such directory"), std::string::npos) << not_repo.err;
  RunResult no_secret = p_.Sluice({"hooks", "install", bare_.string(), "--secret", "absent"});
  EXPECT_EQ(no_secret.exit_code, 2);
  EXPECT_NE(no_secret.err.find("sluice secret set absent"), std::string::npos) << no_secret.err;
}

}  // namespace
}  // namespace sluice::testing
