// The S3 client against a real S3 server: Debian's Swift with s3api, which
// checks signatures and payload hashes as AWS does (s3_test_util.h), and
// Debian's boto3 as an independent client reading what we wrote and
// writing what we read (tests/tools/s3_cross_check.py).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/files.h"
#include "common/hash.h"
#include "oci/registry_http.h"
#include "store/s3_client.h"
#include "store/s3_test_util.h"

namespace sluice::store {
namespace {

using testing::TestS3Server;

constexpr const char* kBucket = "sluice-test";

std::string PseudoRandom(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  for (char& c : out) {
    seed = seed * 1664525u + 1013904223u;
    c = static_cast<char>(seed >> 24);
  }
  return out;
}

class S3SwiftTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = TestS3Server::Start();
    if (!started.ok()) {
      *start_error_ = started.status().ToString();
      return;
    }
    server_ = std::move(started).value().release();
    if (Status made = server_->CreateBucket(kBucket); !made.ok()) {
      *start_error_ = made.ToString();
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(start_error_->empty()) << *start_error_;
    ASSERT_NE(server_, nullptr);
  }

  static S3ClientOptions Options() {
    S3ClientOptions options;
    options.endpoint = server_->endpoint();
    options.region = TestS3Server::kRegion;
    options.credentials = {TestS3Server::kAccessKey, TestS3Server::kSecretKey, ""};
    options.retry_base = std::chrono::milliseconds(10);
    return options;
  }
  static std::unique_ptr<S3Client> Client(S3ClientOptions options = Options()) {
    auto client = S3Client::Create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(client).value() : nullptr;
  }

  static TestS3Server* server_;
  static std::string* start_error_;
};

TestS3Server* S3SwiftTest::server_ = nullptr;
std::string* S3SwiftTest::start_error_ = new std::string;

TEST_F(S3SwiftTest, PutThenGetAndHeadGiveTheBytesAndContentType) {
  auto client = Client();
  auto put = client->PutBytes(kBucket, "small/hello.txt", "hello, s3\n", "text/plain");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->size, 10);
  auto got = client->GetBytes(kBucket, "small/hello.txt");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "hello, s3\n");
  auto head = client->Head(kBucket, "small/hello.txt");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, 10);
  EXPECT_EQ(head->content_type, "text/plain");
  EXPECT_EQ(head->etag, put->etag);
  EXPECT_EQ(head->etag.size(), 32u);  // the MD5 of a single PUT
}

TEST_F(S3SwiftTest, AnEmptyObjectRoundTrips) {
  auto client = Client();
  ASSERT_TRUE(client->PutBytes(kBucket, "small/empty", "", "").ok());
  auto got = client->GetBytes(kBucket, "small/empty");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "");
  auto head = client->Head(kBucket, "small/empty");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, 0);
  EXPECT_EQ(head->etag, "d41d8cd98f00b204e9800998ecf8427e");
}

TEST_F(S3SwiftTest, HeadAndGetOfAMissingKeyAreNotFound) {
  auto client = Client();
  auto head = client->Head(kBucket, "small/absent");
  EXPECT_EQ(head.status().code(), StatusCode::kNotFound);
  auto got = client->GetBytes(kBucket, "small/absent");
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_NE(got.status().message().find("NoSuchKey"), std::string::npos) << got.status().message();
}

TEST_F(S3SwiftTest, ListV2PagesThroughFiveObjectsTwoAtATime) {
  auto client = Client();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client->PutBytes(kBucket, "paged/" + std::to_string(i), "x", "").ok());
  }
  std::vector<std::string> keys;
  std::string token;
  int pages = 0;
  do {
    auto page = client->List(kBucket, "paged/", "", 2, token);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_LE(page->objects.size(), 2u);
    for (const S3Object& object : page->objects) {
      keys.push_back(object.key);
      EXPECT_EQ(object.size, 1);
      EXPECT_FALSE(object.last_modified.empty());
    }
    token = page->next_continuation_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"paged/0", "paged/1", "paged/2", "paged/3", "paged/4"}));
  auto all = client->ListAll(kBucket, "paged/");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), 5u);
}

TEST_F(S3SwiftTest, ListWithADelimiterGivesCommonPrefixes) {
  auto client = Client();
  for (const char* key : {"tree/a/1", "tree/a/2", "tree/b/1", "tree/top"}) {
    ASSERT_TRUE(client->PutBytes(kBucket, key, "x", "").ok());
  }
  auto page = client->List(kBucket, "tree/", "/", 1000, "");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, "tree/top");
  EXPECT_EQ(page->common_prefixes, (std::vector<std::string>{"tree/a/", "tree/b/"}));
  EXPECT_TRUE(page->next_continuation_token.empty());
}

TEST_F(S3SwiftTest, AFileAboveTheThresholdGoesUpInPartsAndReadsBackIdentical) {
  S3ClientOptions options = Options();
  options.multipart_threshold = int64_t{5} << 20;
  options.part_size = int64_t{5} << 20;
  options.parallel = 2;
  auto client = Client(options);
  auto dir = TempDir::Create("sluice-s3-multipart-");
  ASSERT_TRUE(dir.ok());
  std::string content = PseudoRandom((size_t{11} << 20) + 12345, 7);
  ASSERT_TRUE(WriteFileAtomic(dir->path() / "model.bin", content).ok());
  std::string sha256;
  auto put = client->PutFileWithDigest(kBucket, "multipart/model.bin", dir->path() / "model.bin",
                                       "application/octet-stream", &sha256);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(sha256, Sha256Hex(content));
  EXPECT_EQ(put->size, static_cast<int64_t>(content.size()));
  EXPECT_TRUE(put->etag.ends_with("-3")) << put->etag;
  auto got = client->GetBytes(kBucket, "multipart/model.bin");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == content) << "the object differs from the file";
  auto head = client->Head(kBucket, "multipart/model.bin");
  ASSERT_TRUE(head.ok());
  EXPECT_TRUE(head->etag.ends_with("-3")) << head->etag;
  EXPECT_EQ(head->content_type, "application/octet-stream");
}

TEST_F(S3SwiftTest, APresignedGetWorksWithAPlainHttpGet) {
  auto client = Client();
  ASSERT_TRUE(client->PutBytes(kBucket, "presigned/report.html", "<h1>ok</h1>", "text/html").ok());
  auto url = client->PresignGet(kBucket, "presigned/report.html", std::chrono::seconds(300));
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_NE(url->find("X-Amz-Signature="), std::string::npos);
  auto http = oci::NewCurlTransport(std::chrono::seconds(30));
  auto fetched = http->Send({"GET", *url, {}, {}, {}});
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_EQ(fetched->status, 200) << fetched->body;
  EXPECT_EQ(fetched->body, "<h1>ok</h1>");

  S3ClientOptions wrong = Options();
  wrong.credentials.secret_access_key = "not-the-secret";
  auto forged =
      Client(wrong)->PresignGet(kBucket, "presigned/report.html", std::chrono::seconds(300));
  ASSERT_TRUE(forged.ok());
  auto refused = http->Send({"GET", *forged, {}, {}, {}});
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->body.find("SignatureDoesNotMatch"), std::string::npos) << refused->body;
}

TEST_F(S3SwiftTest, AWrongSecretIsPermissionDeniedSayingWhatToCheckWithoutTheSecret) {
  S3ClientOptions options = Options();
  options.credentials.secret_access_key = "Wr0ngSecretKeyDoNotPrint";
  auto put = Client(options)->PutBytes(kBucket, "denied/x", "x", "text/plain");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kPermissionDenied);
  const std::string message = put.status().message();
  EXPECT_NE(message.find("SignatureDoesNotMatch"), std::string::npos) << message;
  EXPECT_NE(message.find("check the secret key"), std::string::npos) << message;
  EXPECT_NE(message.find("s3://sluice-test/denied/x"), std::string::npos) << message;
  EXPECT_EQ(message.find("Wr0ngSecretKeyDoNotPrint"), std::string::npos) << message;
  EXPECT_EQ(message.find("Signature="), std::string::npos) << message;
}

TEST_F(S3SwiftTest, AMissingBucketIsNotFoundSayingNoSuchBucket) {
  auto got = Client()->GetBytes("no-such-bucket", "k");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_NE(got.status().message().find("NoSuchBucket"), std::string::npos)
      << got.status().message();
  EXPECT_NE(got.status().message().find("create the bucket"), std::string::npos);
}

TEST_F(S3SwiftTest, AnUnsignedPayloadPutIsAccepted) {
  S3ClientOptions options = Options();
  options.unsigned_payload = true;
  auto client = Client(options);
  auto put = client->PutBytes(kBucket, "unsigned/data", "not hashed", "text/plain");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  auto got = client->GetBytes(kBucket, "unsigned/data");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "not hashed");
}

TEST_F(S3SwiftTest, KeysWithSpacesDollarPlusAndUtf8RoundTrip) {
  auto client = Client();
  const std::vector<std::string> keys = {"odd keys/with space.txt", "odd keys/$dollar",
                                         "odd keys/a+b=c&d",
                                         "odd keys/r\xC3\xA9sum\xC3\xA9 \xE6\x97\xA5.csv"};
  for (const std::string& key : keys) {
    auto put = client->PutBytes(kBucket, key, key, "text/plain");
    ASSERT_TRUE(put.ok()) << key << ": " << put.status().ToString();
    auto got = client->GetBytes(kBucket, key);
    ASSERT_TRUE(got.ok()) << key << ": " << got.status().ToString();
    EXPECT_EQ(*got, key);
  }
  auto listed = client->ListAll(kBucket, "odd keys/");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<std::string> found;
  for (const S3Object& object : *listed) found.push_back(object.key);
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(found, sorted);
}

TEST_F(S3SwiftTest, DeleteRemovesTheObject) {
  auto client = Client();
  ASSERT_TRUE(client->PutBytes(kBucket, "deleted/x", "x", "").ok());
  ASSERT_TRUE(client->Delete(kBucket, "deleted/x").ok());
  EXPECT_EQ(client->Head(kBucket, "deleted/x").status().code(), StatusCode::kNotFound);
}

TEST_F(S3SwiftTest, ACancelledUploadSendsNothing) {
  Cancellation cancel;
  cancel.Cancel();
  auto put = Client()->PutBytes(kBucket, "cancelled/x", "x", "", &cancel);
  EXPECT_EQ(put.status().code(), StatusCode::kAborted);
  EXPECT_EQ(Client()->Head(kBucket, "cancelled/x").status().code(), StatusCode::kNotFound);
}

TEST_F(S3SwiftTest, Boto3ReadsWhatWeUploadedAndWeReadWhatBoto3Uploaded) {
  const std::filesystem::path script =
      std::filesystem::path(SLUICE_SOURCE_DIR) / "tests" / "tools" / "s3_cross_check.py";
  S3ClientOptions options = Options();
  options.multipart_threshold = int64_t{5} << 20;
  options.part_size = int64_t{5} << 20;
  auto client = Client(options);
  auto dir = TempDir::Create("sluice-s3-cross-");
  ASSERT_TRUE(dir.ok());

  // Ours, read by boto3: bytes (by SHA-256) and content types.
  std::string big = PseudoRandom(size_t{11} << 20, 11);
  ASSERT_TRUE(WriteFileAtomic(dir->path() / "big.bin", big).ok());
  ASSERT_TRUE(client
                  ->PutFile(kBucket, "cross/ours/big.bin", dir->path() / "big.bin",
                            "application/octet-stream")
                  .ok());
  std::string html = "<html><body>model metrics \xE2\x9C\x93</body></html>\n";
  ASSERT_TRUE(client
                  ->PutBytes(kBucket, "cross/ours/model metrics $1+1.html", html,
                             "text/html; charset=utf-8")
                  .ok());
  auto read = testing::RunBoto3Script(
      script, {server_->endpoint(), TestS3Server::kAccessKey, TestS3Server::kSecretKey, kBucket,
               "read", "cross/ours/big.bin", Sha256Hex(big), "application/octet-stream",
               "cross/ours/model metrics $1+1.html", Sha256Hex(html), "text/html; charset=utf-8"});
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->exit_code, 0) << read->output;

  // Boto3's, read by us: a small object and a multipart upload_file.
  auto wrote = testing::RunBoto3Script(
      script, {server_->endpoint(), TestS3Server::kAccessKey, TestS3Server::kSecretKey, kBucket,
               "write", "cross/boto3/", dir->path().string()});
  ASSERT_TRUE(wrote.ok()) << wrote.status().ToString();
  ASSERT_EQ(wrote->exit_code, 0) << wrote->output;
  nlohmann::json written = nlohmann::json::parse(wrote->output, nullptr, false);
  ASSERT_TRUE(written.is_array()) << wrote->output;
  ASSERT_EQ(written.size(), 2u) << wrote->output;
  for (const auto& object : written) {
    std::string key = object["key"];
    auto got = client->GetBytes(kBucket, key);
    ASSERT_TRUE(got.ok()) << key << ": " << got.status().ToString();
    EXPECT_EQ(Sha256Hex(*got), object["sha256"]) << key;
    auto head = client->Head(kBucket, key);
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->content_type, object["content_type"]) << key;
    EXPECT_EQ(head->etag, object["etag"]) << key;
  }
  EXPECT_TRUE(std::string(written[1]["etag"]).ends_with("-3")) << written[1]["etag"];
}

}  // namespace
}  // namespace sluice::store
