// PostWebhook against a local HTTP server (net::HttpServer in-process).
#include "notify/webhook.h"

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "net/http_server.h"

namespace sluice::notify {
namespace {

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = net::HttpServer::Create();
    uint16_t port = 0;
    auto listener = server_->Listen(
        "127.0.0.1", 0,
        [this](net::HttpRequest request, std::shared_ptr<net::Responder> responder) {
          int status = 200;
          {
            std::lock_guard<std::mutex> lock(mu_);
            requests_.push_back(request);
            if (!answers_.empty()) {
              status = answers_.front();
              answers_.erase(answers_.begin());
            }
          }
          responder->Send(net::HttpResponse::Text(status, status == 200 ? "ok" : "try later"));
        },
        &port);
    ASSERT_TRUE(listener.ok()) << listener.status().message();
    base_ = "http://127.0.0.1:" + std::to_string(port);
  }
  void TearDown() override { server_->Stop(); }

  std::vector<net::HttpRequest> Requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  WebhookOptions Fast() const {
    WebhookOptions o;
    o.retry_after = std::chrono::milliseconds(10);
    return o;
  }

  std::unique_ptr<net::HttpServer> server_;
  std::string base_;
  std::mutex mu_;
  std::vector<net::HttpRequest> requests_;  // guarded by mu_
  std::vector<int> answers_;                // guarded by mu_; then 200
};

TEST_F(WebhookTest, PostsTheJsonBodyWithTheHeaders) {
  Status s =
      PostWebhook(base_ + "/hooks/T000/secretpath", {{"X-Token", "abc"}},
                  nlohmann::json{{"text", "[sluice] credit_card #12 failed"}}.dump(), Fast());
  ASSERT_TRUE(s.ok()) << s.message();
  auto requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/hooks/T000/secretpath");
  EXPECT_EQ(requests[0].header("Content-Type"), "application/json");
  EXPECT_EQ(requests[0].header("X-Token"), "abc");
  EXPECT_EQ(nlohmann::json::parse(requests[0].body)["text"], "[sluice] credit_card #12 failed");
}

TEST_F(WebhookTest, RetriesOnceAfterAServerError) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    answers_ = {503};
  }
  ASSERT_TRUE(PostWebhook(base_ + "/hook", {}, "{}", Fast()).ok());
  EXPECT_EQ(Requests().size(), 2u);
}

TEST_F(WebhookTest, GivesUpAfterOneRetryWithoutShowingThePath) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    answers_ = {500, 500, 500};
  }
  Status s = PostWebhook(base_ + "/hooks/T000/secretpath", {}, "{}", Fast());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "POST to " + base_ + "/… answered 500: try later (after one retry)");
  EXPECT_EQ(Requests().size(), 2u);
}

TEST_F(WebhookTest, AClientErrorIsNotRetried) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    answers_ = {404};
  }
  EXPECT_FALSE(PostWebhook(base_ + "/hook", {}, "{}", Fast()).ok());
  EXPECT_EQ(Requests().size(), 1u);
}

TEST(RedactedUrlTest, KeepsSchemeAndHostOnly) {
  EXPECT_EQ(RedactedUrl("https://hooks.slack.com/services/T/B/x"), "https://hooks.slack.com/…");
  EXPECT_EQ(RedactedUrl("http://user:pw@host:8080"), "http://host:8080");
}

}  // namespace
}  // namespace sluice::notify
