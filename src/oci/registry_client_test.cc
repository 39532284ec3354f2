// The registry client's own logic against scripted HTTP answers: what a real
// registry will not do on demand (wrong content, 5xx, dropped connections,
// expiring tokens, pages of tags, rewritten manifests).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "oci/registry.h"

namespace sluice::oci {
namespace {

// An HttpTransport answering with `handler` and recording every request.
// A streamed body (body_source) is read to its end, in small pieces as
// libcurl would, into the recorded request's body.
class ScriptedTransport : public HttpTransport {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;
  ScriptedTransport(Handler handler, std::vector<HttpRequest>* log)
      : handler_(std::move(handler)), log_(log) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::lock_guard lock(mutex_);
    HttpRequest sent = request;
    if (request.body_source) {
      char buffer[7];
      while (size_t n = request.body_source(buffer, sizeof buffer)) sent.body.append(buffer, n);
    }
    log_->push_back(sent);
    return handler_(sent);
  }

 private:
  Handler handler_;
  std::mutex mutex_;
  std::vector<HttpRequest>* log_;
};

HttpResponse Reply(int status, std::string body = "",
                   std::map<std::string, std::string> headers = {}) {
  return HttpResponse{status, std::move(headers), std::move(body)};
}

struct Fixture {
  std::vector<HttpRequest> log;
  std::vector<std::chrono::milliseconds> sleeps;
  std::unique_ptr<RegistryClient> Client(ScriptedTransport::Handler handler,
                                         RegistryOptions options = {},
                                         const std::string& host = "127.0.0.1:5000") {
    options.initial_backoff = std::chrono::milliseconds(10);
    options.sleep = [this](std::chrono::milliseconds d) { sleeps.push_back(d); };
    return std::make_unique<RegistryClient>(
        host, std::move(options), std::make_unique<ScriptedTransport>(std::move(handler), &log));
  }
};

TEST(RegistryClientTest, PlainHttpOnlyForLoopbackOrListedHosts) {
  Fixture f;
  auto any = [](const HttpRequest&) -> Result<HttpResponse> { return Reply(200); };
  EXPECT_EQ(f.Client(any, {}, "127.1.2.3:5000")->base_url(), "http://127.1.2.3:5000");
  EXPECT_EQ(f.Client(any, {}, "localhost")->base_url(), "http://localhost");
  EXPECT_EQ(f.Client(any, {}, "[::1]:5000")->base_url(), "http://[::1]:5000");
  EXPECT_EQ(f.Client(any, {}, "registry.example:5000")->base_url(),
            "https://registry.example:5000");
  EXPECT_EQ(f.Client(any, {}, "128.0.0.1")->base_url(), "https://128.0.0.1");
  RegistryOptions insecure;
  insecure.insecure_hosts = {"registry.example"};
  EXPECT_EQ(f.Client(any, insecure, "registry.example:5000")->base_url(),
            "http://registry.example:5000");
}

TEST(RegistryClientTest, BlobWithWrongContentIsRejected) {
  Fixture f;
  Digest wanted = Sha256Of("the real layer");
  auto client =
      f.Client([](const HttpRequest&) -> Result<HttpResponse> { return Reply(200, "tampered"); });
  auto blob = client->GetBlob("app", wanted);
  ASSERT_EQ(blob.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(
      blob.status().message().find("arrived with content hashing to " + Sha256Of("tampered").str()),
      std::string::npos)
      << blob.status().message();
  EXPECT_NE(blob.status().message().find("discarded"), std::string::npos);
}

TEST(RegistryClientTest, ManifestDigestIsChecked) {
  Fixture f;
  std::string body = R"({"schemaVersion":2})";
  auto client = f.Client([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.method == "PUT") {
      return Reply(201, "", {{"docker-content-digest", Sha256Of("rewritten").str()}});
    }
    return Reply(200, body, {{"content-type", std::string(kMediaTypeManifest)}});
  });
  auto by_digest = client->GetManifest("app", Sha256Of("something else").str());
  EXPECT_EQ(by_digest.status().code(), StatusCode::kInvalidArgument);
  auto by_tag = client->GetManifest("app", "v1");
  ASSERT_TRUE(by_tag.ok());
  EXPECT_EQ(by_tag->digest, Sha256Of(body));
  EXPECT_NE(f.log.back().headers["Accept"].find(std::string(kDockerManifestList)),
            std::string::npos);
  auto put = client->PutManifest("app", "v1", kMediaTypeManifest, body);
  ASSERT_FALSE(put.ok());
  EXPECT_NE(put.status().message().find("rewrote it"), std::string::npos) << put.status().message();
  EXPECT_EQ(f.log.back().headers["Content-Type"], kMediaTypeManifest);
}

TEST(RegistryClientTest, RetriesServerErrorsAndDroppedConnectionsWithBackoff) {
  Fixture f;
  int calls = 0;
  auto client = f.Client([&](const HttpRequest&) -> Result<HttpResponse> {
    ++calls;
    if (calls == 1) return Status::IoError("connection reset");
    if (calls == 2) return Reply(503);
    return Reply(200);
  });
  ASSERT_TRUE(client->Ping().ok());
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(f.sleeps, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(10),
                                                              std::chrono::milliseconds(20)}));
}

TEST(RegistryClientTest, GivesUpAfterTheConfiguredRetries) {
  Fixture f;
  RegistryOptions options;
  options.max_retries = 1;
  auto client = f.Client(
      [](const HttpRequest&) -> Result<HttpResponse> {
        return Reply(500, R"({"errors":[{"code":"UNKNOWN","message":"disk full"}]})");
      },
      options);
  Status status = client->Ping();
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_NE(status.message().find("HTTP 500 (UNKNOWN: disk full)"), std::string::npos)
      << status.message();
  EXPECT_EQ(f.log.size(), 2u);
  auto dropped =
      f.Client(
           [](const HttpRequest&) -> Result<HttpResponse> { return Status::IoError("refused"); },
           options)
          ->Ping();
  EXPECT_NE(dropped.message().find("after 2 attempts"), std::string::npos) << dropped.message();
}

TEST(RegistryClientTest, BearerTokenCachedPerScopeAndRenewedOnce) {
  Fixture f;
  std::string accepted = "Bearer t1";
  int token_fetches = 0;
  auto client = f.Client([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.url.starts_with("http://auth.example/token")) {
      ++token_fetches;
      return Reply(200, R"({"token":"t)" + std::to_string(token_fetches) + R"("})");
    }
    auto it = r.headers.find("Authorization");
    if (it != r.headers.end() && it->second == accepted) return Reply(404);
    return Reply(
        401, "",
        {{"www-authenticate",
          R"(Bearer realm="http://auth.example/token",service="reg",scope="repository:app:pull")"}});
  });
  Digest d = Sha256Of("x");
  EXPECT_FALSE(*client->BlobExists("app", d));
  EXPECT_FALSE(*client->BlobExists("app", d));
  EXPECT_EQ(token_fetches, 1);
  EXPECT_EQ(f.log[1].url, "http://auth.example/token?service=reg&scope=repository%3Aapp%3Apull");
  accepted = "Bearer t2";  // the first token expired
  EXPECT_FALSE(*client->BlobExists("app", d));
  EXPECT_EQ(token_fetches, 2);
  accepted = "never";
  auto refused = client->BlobExists("app", d);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("unauthorized"), std::string::npos);
}

TEST(RegistryClientTest, TagListFollowsLinkPages) {
  Fixture f;
  auto client = f.Client([](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.url.ends_with("/tags/list")) {
      return Reply(200, R"({"name":"app","tags":["a","b"]})",
                   {{"link", R"(</v2/app/tags/list?last=b&n=2>; rel="next")"}});
    }
    return Reply(200, R"({"name":"app","tags":["c"]})");
  });
  auto tags = client->ListTags("app");
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  EXPECT_EQ(*tags, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(f.log[1].url, "http://127.0.0.1:5000/v2/app/tags/list?last=b&n=2");
}

TEST(RegistryClientTest, UploadUsesTheLastLocation) {
  Fixture f;
  RegistryOptions options;
  options.chunk_threshold = 4;
  options.chunk_size = 4;
  int step = 0;
  auto client = f.Client(
      [&](const HttpRequest& r) -> Result<HttpResponse> {
        if (r.method == "HEAD") return Reply(404);
        ++step;
        if (r.method == "PUT") return Reply(201);
        return Reply(202, "",
                     {{"location", "/v2/app/blobs/uploads/u?_state=s" + std::to_string(step)}});
      },
      options);
  auto digest = client->PushBlob("app", "0123456789");
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  ASSERT_EQ(f.log.size(), 6u);  // HEAD, POST, 3 PATCH, PUT
  EXPECT_EQ(f.log[2].headers["Content-Range"], "0-3");
  EXPECT_EQ(f.log[4].headers["Content-Range"], "8-9");
  EXPECT_EQ(f.log[4].body, "89");
  EXPECT_EQ(
      f.log[5].url,
      "http://127.0.0.1:5000/v2/app/blobs/uploads/u?_state=s4&digest=sha256%3A" + digest->hex);
  EXPECT_TRUE(f.log[5].body.empty());
}

// A source giving `pieces` one after the other, at most `capacity` bytes a call.
HttpBodySource PiecesSource(std::vector<std::string> pieces) {
  auto left = std::make_shared<std::vector<std::string>>(std::move(pieces));
  auto at = std::make_shared<size_t>(0);
  return [left, at](char* buffer, size_t capacity) -> size_t {
    while (!left->empty() && *at == left->front().size()) {
      left->erase(left->begin());
      *at = 0;
    }
    if (left->empty()) return 0;
    size_t n = std::min(capacity, left->front().size() - *at);
    std::memcpy(buffer, left->front().data() + *at, n);
    *at += n;
    return n;
  };
}

TEST(RegistryClientTest, AppendUploadFromSendsOnePatchOfWhatTheSourceGave) {
  Fixture f;
  auto client = f.Client([](const HttpRequest&) -> Result<HttpResponse> {
    return Reply(202, "", {{"location", "/v2/app/blobs/uploads/u?_state=next"}});
  });
  auto next = client->AppendUploadFrom("app", "http://127.0.0.1:5000/v2/app/blobs/uploads/u",
                                       PiecesSource({"first piece, ", "", "then the rest"}));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(*next, "http://127.0.0.1:5000/v2/app/blobs/uploads/u?_state=next");
  ASSERT_EQ(f.log.size(), 1u);
  EXPECT_EQ(f.log[0].method, "PATCH");
  EXPECT_EQ(f.log[0].url, "http://127.0.0.1:5000/v2/app/blobs/uploads/u");
  EXPECT_EQ(f.log[0].body, "first piece, then the rest");
  EXPECT_EQ(f.log[0].headers["Content-Type"], "application/octet-stream");
  EXPECT_EQ(f.log[0].headers.count("Content-Range"), 0u);  // a stream: its length is unknown
}

// A streamed body is gone once sent: a server error is not retried.
TEST(RegistryClientTest, AppendUploadFromIsNotRetriedOnAServerError) {
  Fixture f;
  auto client = f.Client([](const HttpRequest&) -> Result<HttpResponse> {
    return Reply(503, R"({"errors":[{"code":"UNAVAILABLE","message":"try later"}]})");
  });
  auto next = client->AppendUploadFrom("app", "http://127.0.0.1:5000/v2/app/blobs/uploads/u",
                                       PiecesSource({"bytes"}));
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kIoError) << next.status().ToString();
  EXPECT_NE(next.status().message().find("503"), std::string::npos) << next.status().ToString();
  EXPECT_EQ(f.log.size(), 1u);
  EXPECT_EQ(f.log[0].body, "bytes");
  EXPECT_TRUE(f.sleeps.empty());

  Fixture dropped;
  auto reset = dropped.Client([](const HttpRequest&) -> Result<HttpResponse> {
    return Status::IoError("connection reset");
  });
  auto lost = reset->AppendUploadFrom("app", "http://127.0.0.1:5000/v2/app/blobs/uploads/u",
                                      PiecesSource({"bytes"}));
  EXPECT_EQ(lost.status().code(), StatusCode::kIoError);
  EXPECT_EQ(dropped.log.size(), 1u);
  EXPECT_TRUE(dropped.sleeps.empty());
}

TEST(RegistryClientTest, BlobRedirectsDoNotCarryOurCredentials) {
  Fixture f;
  RegistryOptions options;
  options.credentials = RegistryCredentials{"u", "p"};
  auto client = f.Client(
      [](const HttpRequest& r) -> Result<HttpResponse> {
        if (r.url.starts_with("https://storage.example/")) return Reply(200, "layer");
        if (!r.headers.count("Authorization")) {
          return Reply(401, "", {{"www-authenticate", R"(Basic realm="reg")"}});
        }
        return Reply(307, "", {{"location", "https://storage.example/blob?signature=s"}});
      },
      options);
  auto blob = client->GetBlob("app", Sha256Of("layer"));
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  EXPECT_EQ(*blob, "layer");
  ASSERT_EQ(f.log.size(), 3u);
  EXPECT_EQ(f.log[1].headers["Authorization"], "Basic dTpw");
  EXPECT_EQ(f.log[2].url, "https://storage.example/blob?signature=s");
  EXPECT_EQ(f.log[2].headers.count("Authorization"), 0u);
}

TEST(RegistryClientTest, BasicChallengeWithoutCredentialsSaysWhatToDo) {
  Fixture f;
  auto client = f.Client([](const HttpRequest&) -> Result<HttpResponse> {
    return Reply(401, "", {{"www-authenticate", R"(Basic realm="reg")"}});
  });
  Status status = client->Ping();
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "unauthorized: registry 127.0.0.1:5000 asks for a user name and password; give "
            "credentials for "
            "127.0.0.1:5000 (a user name and a password or token)");
}

TEST(RegistryClientTest, BadNamesAreRejectedBeforeAnyRequest) {
  Fixture f;
  auto client = f.Client([](const HttpRequest&) -> Result<HttpResponse> { return Reply(200); });
  auto upper = client->GetManifest("Team/App", "v1");
  ASSERT_EQ(upper.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(upper.status().message().find("repository name \"Team/App\" (registry 127.0.0.1:5000)"),
            std::string::npos)
      << upper.status().message();
  EXPECT_EQ(client->PutManifest("app", "../x", kMediaTypeManifest, "{}").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(client->MountOrPushBlob("app", "../etc", Sha256Of("x"), "x").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(client->ListTags("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(f.log.empty());
}

TEST(RegistryClientTest, ParsesChallengesWithQuotedCommas) {
  auto c = ParseAuthChallenge(
      R"(Bearer realm="https://a/token",service=reg,scope="repository:x:pull,push")");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->scheme, "bearer");
  EXPECT_EQ(c->params["scope"], "repository:x:pull,push");
  EXPECT_EQ(c->params["service"], "reg");
  EXPECT_FALSE(ParseAuthChallenge(R"(Bearer realm="unterminated)").ok());
}

}  // namespace
}  // namespace sluice::oci
