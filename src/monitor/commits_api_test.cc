// The REST variant against an in-process server that answers like
// GitHub's commits API, over the real libcurl transport.
#include "monitor/commits_api.h"

#include <gtest/gtest.h>

#include <mutex>

#include "net/http_server.h"

namespace sluice::monitor {
namespace {

constexpr char kCommits[] = R"([{
  "sha": "9fceb02d0ae598e95dc970b74767f19372d61af8",
  "commit": {
    "author": {"name": "Dana", "date": "2024-01-02T00:00:00Z"},
    "committer": {"name": "GitHub", "date": "2024-01-03T10:00:00Z"},
    "message": "retrain the model\n\nwith more data"
  }
}])";

class CommitsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = net::HttpServer::Create();
    auto id = server_->Listen(
        "127.0.0.1", 0,
        [this](net::HttpRequest request, std::shared_ptr<net::Responder> responder) {
          net::HttpResponse response;
          {
            std::lock_guard<std::mutex> lock(mu_);
            requests_.push_back(request);
            response = answer_;
          }
          responder->Send(std::move(response));
        },
        &port_);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    http_ = oci::NewCurlTransport(std::chrono::seconds(10));
    Answer(200, kCommits);
  }
  void TearDown() override { server_->Stop(); }

  void Answer(int status, std::string body, net::HttpHeaders headers = {}) {
    std::lock_guard<std::mutex> lock(mu_);
    answer_ = net::HttpResponse::Json(status, std::move(body));
    for (auto& [k, v] : headers) answer_.set(k, v);
  }

  CommitsApiQuery Query() {
    CommitsApiQuery q;
    q.api_url = "http://127.0.0.1:" + std::to_string(port_) + "/api/v3/";
    q.repository = "bank/ccapproval";
    q.branch = "main";
    q.paths = {"src/train.cc"};
    q.token = "ghp_secret123";
    return q;
  }

  std::unique_ptr<net::HttpServer> server_;
  uint16_t port_ = 0;
  std::unique_ptr<oci::HttpTransport> http_;
  std::mutex mu_;
  net::HttpResponse answer_;
  std::vector<net::HttpRequest> requests_;
};

TEST_F(CommitsApiTest, AsksForTheNewestCommitOfThePathOnTheBranchWithTheToken) {
  auto c = LastCommitFromApi(*http_, Query());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->sha, "9fceb02d0ae598e95dc970b74767f19372d61af8");
  EXPECT_EQ(c->author, "Dana");
  EXPECT_EQ(c->summary, "retrain the model");
  EXPECT_EQ(c->committed_ms, 1'704'276'000'000);  // the committer date
  ASSERT_EQ(requests_.size(), 1u);
  const net::HttpRequest& r = requests_[0];
  EXPECT_EQ(r.path, "/api/v3/repos/bank/ccapproval/commits");
  EXPECT_EQ(r.query_param("path"), "src/train.cc");
  EXPECT_EQ(r.query_param("sha"), "main");
  EXPECT_EQ(r.query_param("per_page"), "1");
  EXPECT_EQ(r.header("Authorization"), "Bearer ghp_secret123");
}

TEST_F(CommitsApiTest, EachRefusalSaysWhatToDoAndNeverShowsTheToken) {
  struct Case {
    int status;
    net::HttpHeaders headers;
    StatusCode code;
    std::string says;
  };
  const Case cases[] = {
      {401, {}, StatusCode::kPermissionDenied, "token was refused"},
      {403, {}, StatusCode::kPermissionDenied, "forbidden"},
      {403,
       {{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", "1704067200"}},
       StatusCode::kFailedPrecondition,
       "rate limited until 2024-01-01T00:00:00Z"},
      {429, {{"Retry-After", "60"}}, StatusCode::kFailedPrecondition, "rate limited for 60 s"},
      {404, {}, StatusCode::kNotFound, "check the repository"},
      {500, {}, StatusCode::kIoError, "answered 500"},
  };
  for (const Case& c : cases) {
    Answer(c.status, R"({"message": "nope"})", c.headers);
    auto r = LastCommitFromApi(*http_, Query());
    ASSERT_FALSE(r.ok()) << c.status;
    EXPECT_EQ(r.status().code(), c.code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.says), std::string::npos) << r.status().ToString();
    EXPECT_NE(r.status().message().find("/repos/bank/ccapproval/commits"), std::string::npos);
    EXPECT_EQ(r.status().message().find("ghp_secret123"), std::string::npos);
  }
}

TEST_F(CommitsApiTest, NoCommitForThePathIsNotFound) {
  Answer(200, "[]");
  auto r = LastCommitFromApi(*http_, Query());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("src/train.cc"), std::string::npos);
  Answer(200, R"({"not": "a list"})");
  EXPECT_EQ(LastCommitFromApi(*http_, Query()).status().code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace sluice::monitor
