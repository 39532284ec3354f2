// The S3 client behind an in-memory transport: addressing, what is signed,
// retries, errors and the multipart protocol. The real server's view is in
// s3_swift_test.cc.
#include "store/s3_client.h"

#include <gtest/gtest.h>

#include <functional>
#include <mutex>

#include "common/files.h"
#include "common/hash.h"

namespace sluice::store {
namespace {

// Answers every request with `answer` and keeps a copy of each. Thread-safe.
class FakeTransport : public oci::HttpTransport {
 public:
  using Answer = std::function<Result<oci::HttpResponse>(const oci::HttpRequest&)>;
  explicit FakeTransport(Answer answer) : answer_(std::move(answer)) {}

  Result<oci::HttpResponse> Send(const oci::HttpRequest& request) override {
    {
      std::lock_guard lock(mutex_);
      sent_.push_back(request);
    }
    return answer_(request);
  }
  std::vector<oci::HttpRequest> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  Answer answer_;
  mutable std::mutex mutex_;
  std::vector<oci::HttpRequest> sent_;  // guarded by mutex_
};

oci::HttpResponse Response(int status, std::string body = "",
                           std::map<std::string, std::string> headers = {}) {
  return oci::HttpResponse{status, std::move(headers), std::move(body)};
}

std::string ErrorXml(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" +
         message + "</Message></Error>";
}

S3ClientOptions Options(std::shared_ptr<oci::HttpTransport> transport) {
  S3ClientOptions options;
  options.endpoint = "http://127.0.0.1:9000";
  options.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  options.retry_base = std::chrono::milliseconds(1);
  options.transport = std::move(transport);
  options.now = [] { return std::chrono::system_clock::from_time_t(1440938160); };
  return options;
}

std::unique_ptr<S3Client> Make(S3ClientOptions options) {
  auto client = S3Client::Create(std::move(options));
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return std::move(client).value();
}

TEST(S3ClientTest, ObjectUrlsArePathStyleVirtualHostedOrAws) {
  auto fake = std::make_shared<FakeTransport>([](auto&) { return Response(200); });
  S3ClientOptions options = Options(fake);
  EXPECT_EQ(Make(options)->ObjectUrl("bkt", "a b/c$+.txt"),
            "http://127.0.0.1:9000/bkt/a%20b/c%24%2B.txt");
  options.virtual_hosted = true;
  options.endpoint = "https://minio.example:9000/";
  EXPECT_EQ(Make(options)->ObjectUrl("bkt", "k"), "https://bkt.minio.example:9000/k");
  options.endpoint.clear();
  options.region = "eu-west-1";
  EXPECT_EQ(Make(options)->ObjectUrl("bkt", "dir/k"),
            "https://bkt.s3.eu-west-1.amazonaws.com/dir/k");
}

TEST(S3ClientTest, ARequestCarriesTheHostItSignedAndThePayloadHash) {
  auto fake = std::make_shared<FakeTransport>([](auto&) {
    return Response(200, "", {{"etag", "\"abc\""}});
  });
  S3ClientOptions options = Options(fake);
  options.virtual_hosted = true;
  options.credentials.session_token = "session-token";
  auto put = Make(options)->PutBytes("bkt", "k", "", "text/plain");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag, "abc");
  std::vector<oci::HttpRequest> requests = fake->sent();
  ASSERT_EQ(requests.size(), 1u);
  const oci::HttpRequest& sent = requests[0];
  EXPECT_EQ(sent.method, "PUT");
  EXPECT_EQ(sent.url, "http://bkt.127.0.0.1:9000/k");
  EXPECT_EQ(sent.headers.at("Host"), "bkt.127.0.0.1:9000");
  EXPECT_EQ(sent.headers.at("Content-Type"), "text/plain");
  EXPECT_EQ(sent.headers.at("x-amz-content-sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sent.headers.at("x-amz-security-token"), "session-token");
  EXPECT_EQ(sent.headers.at("x-amz-date"), "20150830T123600Z");
  const std::string& authorization = sent.headers.at("authorization");
  EXPECT_TRUE(authorization.starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, "
      "Signature="))
      << authorization;
}

TEST(S3ClientTest, UnsignedPayloadSaysSo) {
  auto fake = std::make_shared<FakeTransport>([](auto&) { return Response(200); });
  S3ClientOptions options = Options(fake);
  options.unsigned_payload = true;
  ASSERT_TRUE(Make(options)->PutBytes("bkt", "k", "body", "").ok());
  EXPECT_EQ(fake->sent()[0].headers.at("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
}

TEST(S3ClientTest, SlowDownAnd503AreRetriedUntilTheyPass) {
  int calls = 0;
  auto fake = std::make_shared<FakeTransport>([&calls](auto&) -> Result<oci::HttpResponse> {
    ++calls;
    if (calls == 1) return Response(503, ErrorXml("SlowDown", "Please reduce your request rate."));
    if (calls == 2) return Status::IoError("connection refused");
    return Response(200);
  });
  EXPECT_TRUE(Make(Options(fake))->PutBytes("bkt", "k", "x", "").ok());
  EXPECT_EQ(calls, 3);
}

TEST(S3ClientTest, ServerErrorsEndAsIoErrorAfterMaxAttempts) {
  auto fake = std::make_shared<FakeTransport>(
      [](auto&) { return Response(500, ErrorXml("InternalError", "We encountered an error")); });
  auto got = Make(Options(fake))->GetBytes("bkt", "k");
  EXPECT_EQ(got.status().code(), StatusCode::kIoError);
  EXPECT_NE(got.status().message().find("InternalError"), std::string::npos);
  EXPECT_NE(got.status().message().find("after 4 attempts"), std::string::npos)
      << got.status().message();
  EXPECT_EQ(fake->sent().size(), 4u);
}

TEST(S3ClientTest, ClientErrorsAreNotRetriedAndMapToCodes) {
  struct Case {
    int status;
    std::string code;
    StatusCode expected;
    std::string hint;
  };
  for (const Case& c : std::vector<Case>{
           {403, "SignatureDoesNotMatch", StatusCode::kPermissionDenied, "check the secret key"},
           {403, "InvalidAccessKeyId", StatusCode::kPermissionDenied, "check the access key id"},
           {403, "AccessDenied", StatusCode::kPermissionDenied, "lack permission"},
           {403, "RequestTimeTooSkewed", StatusCode::kPermissionDenied, "clock"},
           {404, "NoSuchBucket", StatusCode::kNotFound, "create the bucket"},
           {404, "NoSuchKey", StatusCode::kNotFound, ""},
           {400, "InvalidBucketName", StatusCode::kInvalidArgument, ""}}) {
    auto fake = std::make_shared<FakeTransport>(
        [&c](auto&) { return Response(c.status, ErrorXml(c.code, "said S3")); });
    auto got = Make(Options(fake))->GetBytes("bkt", "dir/k");
    EXPECT_EQ(got.status().code(), c.expected) << c.code;
    const std::string message = got.status().message();
    EXPECT_NE(message.find("GET s3://bkt/dir/k"), std::string::npos) << message;
    EXPECT_NE(message.find(c.code + ": said S3"), std::string::npos) << message;
    EXPECT_NE(message.find(c.hint), std::string::npos) << message;
    EXPECT_EQ(message.find("wJalrXUtnFEMI"), std::string::npos) << message;
    EXPECT_EQ(fake->sent().size(), 1u) << c.code;
  }
}

TEST(S3ClientTest, AHeadWithoutABodyStillSaysNotFound) {
  auto fake = std::make_shared<FakeTransport>([](auto&) { return Response(404); });
  auto head = Make(Options(fake))->Head("bkt", "k");
  EXPECT_EQ(head.status().code(), StatusCode::kNotFound);
  EXPECT_NE(head.status().message().find("NoSuchKey"), std::string::npos);
}

TEST(S3ClientTest, AForbiddenHeadSaysWhatToCheck) {
  auto fake = std::make_shared<FakeTransport>([](auto&) { return Response(403); });
  auto head = Make(Options(fake))->Head("bkt", "k");
  EXPECT_EQ(head.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(head.status().message().find("HTTP 403 Forbidden (the answer names no cause: check "
                                         "the secret key"),
            std::string::npos)
      << head.status().message();
}

TEST(S3ClientTest, NothingIsRetriedOnceCancelled) {
  Cancellation cancel;
  auto fake = std::make_shared<FakeTransport>([&cancel](auto&) {
    cancel.Cancel();
    return Response(503, ErrorXml("SlowDown", "slow down"));
  });
  auto put = Make(Options(fake))->PutBytes("bkt", "k", "x", "", &cancel);
  EXPECT_EQ(put.status().code(), StatusCode::kAborted);
  EXPECT_EQ(fake->sent().size(), 1u);
}

TEST(S3ClientTest, CreateRefusesOptionsOutsideS3sLimitsNamingTheField) {
  auto fake = std::make_shared<FakeTransport>([](auto&) { return Response(200); });
  S3ClientOptions options = Options(fake);
  options.endpoint = "127.0.0.1:9000";
  auto made = S3Client::Create(options);
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(made.status().message().find("S3 endpoint \"127.0.0.1:9000\""), std::string::npos);
  options = Options(fake);
  options.part_size = 1 << 20;
  made = S3Client::Create(options);
  EXPECT_NE(made.status().message().find("part_size"), std::string::npos);
  options = Options(fake);
  options.region.clear();
  EXPECT_NE(S3Client::Create(options).status().message().find("region"), std::string::npos);
}

TEST(S3ClientTest, AnEndpointWithUserInfoIsRefusedWithoutShowingIt) {
  auto fake = std::make_shared<FakeTransport>([](auto&) { return Response(200); });
  S3ClientOptions options = Options(fake);
  options.endpoint = "http://AKIDEXAMPLE:s3cret-Value-42@127.0.0.1:9000";
  auto made = S3Client::Create(options);
  ASSERT_EQ(made.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(made.status().message().find("s3cret-Value-42"), std::string::npos)
      << made.status().message();
  EXPECT_NE(made.status().message().find("http://***@127.0.0.1:9000"), std::string::npos)
      << made.status().message();
}

TEST(S3ClientTest, AServerThatEchoesTheSecretKeyDoesNotGetItShown) {
  S3ClientOptions options = Options(nullptr);
  const std::string secret = options.credentials.secret_access_key;
  options.credentials.session_token = "session-token-value";
  options.transport = std::make_shared<FakeTransport>([&](auto&) {
    return Response(403, ErrorXml("SignatureDoesNotMatch",
                                  "signed with " + secret + " and session-token-value"));
  });
  auto put = Make(options)->PutBytes("bkt", "k", "body", "");
  ASSERT_EQ(put.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(put.status().message().find(secret), std::string::npos) << put.status().message();
  EXPECT_EQ(put.status().message().find("session-token-value"), std::string::npos);
  EXPECT_NE(put.status().message().find("signed with *** and ***"), std::string::npos)
      << put.status().message();
}

TEST(S3ClientTest, AMalformedContentLengthReadsAsUnknownSize) {
  auto fake = std::make_shared<FakeTransport>([](auto&) {
    oci::HttpResponse r = Response(200);
    r.headers["content-length"] = "99999999999999999999999";
    return r;
  });
  auto client = S3Client::Create(Options(fake));
  ASSERT_TRUE(client.ok());
  auto head = (*client)->Head("bucket", "key");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, 0);
}

// A multipart protocol in memory: uploads, parts (failing `fail_part`),
// completion and abort, each request recorded.
class FakeMultipart {
 public:
  explicit FakeMultipart(int fail_part = 0) : fail_part_(fail_part) {}
  Result<oci::HttpResponse> operator()(const oci::HttpRequest& request) {
    const std::string& url = request.url;
    if (request.method == "POST" && url.ends_with("?uploads")) {
      return Response(200,
                      "<InitiateMultipartUploadResult><UploadId>U1</UploadId>"
                      "</InitiateMultipartUploadResult>");
    }
    if (request.method == "PUT") {
      size_t at = url.find("partNumber=");
      if (at == std::string::npos) return Response(200, "", {{"etag", "\"single\""}});
      int part = std::stoi(url.substr(at + 11));
      if (part == fail_part_) return Response(400, ErrorXml("InvalidPart", "bad part"));
      return Response(200, "", {{"etag", "\"etag-" + std::to_string(part) + "\""}});
    }
    if (request.method == "POST") {
      return Response(200,
                      "<CompleteMultipartUploadResult><ETag>\"whole-3\"</ETag>"
                      "</CompleteMultipartUploadResult>");
    }
    return Response(204);
  }

 private:
  int fail_part_;
};

class S3MultipartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-s3-parts-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
    content_ = std::string((size_t{11} << 20), 'a');
    content_[0] = 'b';
    ASSERT_TRUE(WriteFileAtomic(file(), content_).ok());
  }
  std::filesystem::path file() const { return dir_->path() / "big.bin"; }
  S3ClientOptions MultipartOptions(std::shared_ptr<oci::HttpTransport> transport) const {
    S3ClientOptions options = Options(std::move(transport));
    options.multipart_threshold = int64_t{5} << 20;
    options.part_size = int64_t{5} << 20;
    options.parallel = 3;
    return options;
  }
  std::unique_ptr<TempDir> dir_;
  std::string content_;
};

TEST_F(S3MultipartTest, PartsGoUpAndAreCompletedInOrder) {
  auto fake = std::make_shared<FakeTransport>(FakeMultipart());
  std::string sha256;
  auto put =
      Make(MultipartOptions(fake))->PutFileWithDigest("bkt", "k", file(), "", &sha256, nullptr);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag, "whole-3");
  EXPECT_EQ(put->size, static_cast<int64_t>(content_.size()));
  EXPECT_EQ(sha256, Sha256Hex(content_));
  std::vector<size_t> part_sizes(3);
  std::string complete;
  for (const oci::HttpRequest& sent : fake->sent()) {
    if (sent.method == "PUT") {
      EXPECT_NE(sent.url.find("uploadId=U1"), std::string::npos);
      int part = std::stoi(sent.url.substr(sent.url.find("partNumber=") + 11));
      part_sizes.at(part - 1) = sent.body.size();
    }
    if (sent.method == "POST" && sent.url.ends_with("?uploadId=U1")) complete = sent.body;
  }
  EXPECT_EQ(part_sizes, (std::vector<size_t>{5 << 20, 5 << 20, 1 << 20}));
  EXPECT_NE(complete.find("<Part><PartNumber>1</PartNumber><ETag>\"etag-1\"</ETag></Part>"
                          "<Part><PartNumber>2</PartNumber><ETag>\"etag-2\"</ETag></Part>"
                          "<Part><PartNumber>3</PartNumber><ETag>\"etag-3\"</ETag></Part>"),
            std::string::npos)
      << complete;
}

TEST_F(S3MultipartTest, AFailedPartAbortsTheUploadAndNamesThePart) {
  auto fake = std::make_shared<FakeTransport>(FakeMultipart(2));
  auto put = Make(MultipartOptions(fake))->PutFile("bkt", "k", file(), "", nullptr);
  ASSERT_FALSE(put.ok());
  EXPECT_NE(put.status().message().find("part 2 of 3"), std::string::npos)
      << put.status().message();
  EXPECT_NE(put.status().message().find("InvalidPart"), std::string::npos);
  bool aborted = false, completed = false;
  for (const oci::HttpRequest& sent : fake->sent()) {
    aborted = aborted || (sent.method == "DELETE" && sent.url.ends_with("?uploadId=U1"));
    completed = completed || (sent.method == "POST" && sent.url.ends_with("?uploadId=U1"));
  }
  EXPECT_TRUE(aborted);
  EXPECT_FALSE(completed);
}

TEST_F(S3MultipartTest, ACancelledUploadIsAbortedNotCompleted) {
  Cancellation cancel;
  FakeMultipart protocol;
  auto fake = std::make_shared<FakeTransport>([&](const oci::HttpRequest& request) {
    if (request.method == "PUT") cancel.Cancel();
    return protocol(request);
  });
  auto put = Make(MultipartOptions(fake))->PutFile("bkt", "k", file(), "", &cancel);
  EXPECT_EQ(put.status().code(), StatusCode::kAborted);
  std::vector<oci::HttpRequest> sent = fake->sent();
  EXPECT_EQ(sent.back().method, "DELETE");
  for (const oci::HttpRequest& request : sent) {
    EXPECT_FALSE(request.method == "POST" && request.url.ends_with("?uploadId=U1"));
  }
}

// The multipart protocol, but the first CompleteMultipartUpload completes
// and its answer is lost; the upload is gone after that, and HEAD shows the
// object with `head_etag`.
class LostCompleteAnswer {
 public:
  LostCompleteAnswer(std::string head_etag, int64_t size)
      : head_etag_(std::move(head_etag)), size_(size) {}
  Result<oci::HttpResponse> operator()(const oci::HttpRequest& request) {
    bool upload_request = request.url.find("uploadId=U1") != std::string::npos;
    if (request.method == "POST" && upload_request) {
      if (completes_++ == 0) return Status::IoError("Connection reset by peer");
    }
    if (completes_ > 0 && upload_request) {
      return Response(404, ErrorXml("NoSuchUpload", "The specified upload does not exist."));
    }
    if (request.method == "HEAD") {
      return Response(
          200, "", {{"etag", "\"" + head_etag_ + "\""}, {"content-length", std::to_string(size_)}});
    }
    return protocol_(request);
  }

 private:
  FakeMultipart protocol_;
  std::string head_etag_;
  int64_t size_;
  int completes_ = 0;
};

TEST_F(S3MultipartTest, ACompleteWhoseAnswerWasLostCountsWhenTheObjectIsThere) {
  auto size = static_cast<int64_t>(content_.size());
  auto fake = std::make_shared<FakeTransport>(LostCompleteAnswer("0123abcd-3", size));
  auto put = Make(MultipartOptions(fake))->PutFile("bkt", "k", file(), "", nullptr);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag, "0123abcd-3");
  EXPECT_EQ(put->size, size);
  for (const oci::HttpRequest& sent : fake->sent()) EXPECT_NE(sent.method, "DELETE");
}

TEST_F(S3MultipartTest, ACompleteWhoseAnswerWasLostFailsWhenTheObjectIsNotThisUpload) {
  auto size = static_cast<int64_t>(content_.size());
  // Another upload's object: a single PUT's ETag, or another part count.
  for (const std::string& etag : {std::string("0123abcd"), std::string("0123abcd-2")}) {
    auto fake = std::make_shared<FakeTransport>(LostCompleteAnswer(etag, size));
    auto put = Make(MultipartOptions(fake))->PutFile("bkt", "k", file(), "", nullptr);
    ASSERT_FALSE(put.ok()) << etag;
    EXPECT_NE(put.status().message().find("NoSuchUpload"), std::string::npos)
        << put.status().message();
  }
  auto fake = std::make_shared<FakeTransport>(LostCompleteAnswer("0123abcd-3", size - 1));
  auto put = Make(MultipartOptions(fake))->PutFile("bkt", "k", file(), "", nullptr);
  ASSERT_FALSE(put.ok());
  EXPECT_NE(put.status().message().find("NoSuchUpload"), std::string::npos)
      << put.status().message();
}

TEST_F(S3MultipartTest, NoSuchUploadWithoutALostAnswerIsAnError) {
  FakeMultipart protocol;
  int heads = 0;
  auto fake = std::make_shared<FakeTransport>([&](const oci::HttpRequest& request) {
    if (request.method == "HEAD") ++heads;
    if (request.method == "POST" && request.url.ends_with("?uploadId=U1")) {
      return Result<oci::HttpResponse>(
          Response(404, ErrorXml("NoSuchUpload", "The specified upload does not exist.")));
    }
    return protocol(request);
  });
  auto put = Make(MultipartOptions(fake))->PutFile("bkt", "k", file(), "", nullptr);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(heads, 0);
}

TEST_F(S3MultipartTest, AFileBelowTheThresholdIsOnePut) {
  auto fake = std::make_shared<FakeTransport>(FakeMultipart());
  S3ClientOptions options = MultipartOptions(fake);
  options.multipart_threshold = int64_t{12} << 20;
  ASSERT_TRUE(Make(options)->PutFile("bkt", "k", file(), "", nullptr).ok());
  ASSERT_EQ(fake->sent().size(), 1u);
  EXPECT_EQ(fake->sent()[0].url, "http://127.0.0.1:9000/bkt/k");
  EXPECT_EQ(fake->sent()[0].body.size(), content_.size());
}

}  // namespace
}  // namespace sluice::store
