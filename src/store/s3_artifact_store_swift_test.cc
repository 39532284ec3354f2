// The S3 backend of ArtifactStore against Swift with s3api (s3_test_util.h).
#include <gtest/gtest.h>

#include "common/files.h"
#include "common/hash.h"
#include "store/artifact_store.h"
#include "store/s3_test_util.h"

namespace sluice::store {
namespace {

using testing::TestS3Server;

constexpr const char* kBucket = "artifacts";

class S3ArtifactStoreSwiftTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = TestS3Server::Start();
    if (!started.ok()) {
      *start_error_ = started.status().ToString();
      return;
    }
    server_ = std::move(started).value().release();
    if (Status made = server_->CreateBucket(kBucket); !made.ok()) *start_error_ = made.ToString();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(start_error_->empty()) << *start_error_;
    S3ClientOptions options;
    options.endpoint = server_->endpoint();
    options.credentials = {TestS3Server::kAccessKey, TestS3Server::kSecretKey, ""};
    options.multipart_threshold = int64_t{5} << 20;
    options.part_size = int64_t{5} << 20;
    options.parallel = 4;
    auto client = S3Client::Create(options);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::shared_ptr<S3Client>(std::move(client).value());
    auto store = OpenS3ArtifactStore(client_, kBucket);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto dir = TempDir::Create("sluice-s3-artifacts-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
  }

  std::filesystem::path Write(const std::string& name, const std::string& content) {
    std::filesystem::path file = dir_->path() / name;
    EXPECT_TRUE(WriteFileAtomic(file, content).ok());
    return file;
  }

  static TestS3Server* server_;
  static std::string* start_error_;
  std::shared_ptr<S3Client> client_;
  std::unique_ptr<ArtifactStore> store_;
  std::unique_ptr<TempDir> dir_;
};

TestS3Server* S3ArtifactStoreSwiftTest::server_ = nullptr;
std::string* S3ArtifactStoreSwiftTest::start_error_ = new std::string;

TEST_F(S3ArtifactStoreSwiftTest, PutFilesGivesEachObjectInOrderWithSizeDigestAndUrl) {
  std::string big(size_t{6} << 20, 'm');
  std::vector<ArtifactUpload> uploads;
  for (int i = 0; i < 9; ++i) {
    std::string name = "metrics-" + std::to_string(i) + ".json";
    uploads.push_back(
        {Write(name, "{\"i\": " + std::to_string(i) + "}"), "run1/" + name, "application/json"});
  }
  uploads.push_back({Write("model.bin", big), "run1/model.bin", "application/octet-stream"});
  auto put = store_->PutFiles(uploads, nullptr);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  ASSERT_EQ(put->size(), uploads.size());
  for (size_t i = 0; i < uploads.size(); ++i) {
    const ArtifactObject& object = (*put)[i];
    auto content = ReadFile(uploads[i].file);
    ASSERT_TRUE(content.ok());
    EXPECT_EQ(object.key, uploads[i].key);
    EXPECT_EQ(object.bucket, kBucket);
    EXPECT_EQ(object.size, static_cast<int64_t>(content->size()));
    EXPECT_EQ(object.sha256, Sha256Hex(*content));
    EXPECT_EQ(object.content_type, uploads[i].content_type);
    EXPECT_EQ(object.url, store_->UrlFor(object.key));
    EXPECT_EQ(object.url, server_->endpoint() + "/artifacts/" + object.key);
    auto got = store_->Get(object.key);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(*got == *content) << object.key;
  }
  auto head = client_->Head(kBucket, "run1/model.bin");
  ASSERT_TRUE(head.ok());
  EXPECT_TRUE(head->etag.ends_with("-2")) << head->etag;

  auto listed = store_->List("run1/");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), uploads.size());
  EXPECT_EQ((*listed)[0].key, "run1/metrics-0.json");
  EXPECT_EQ(listed->back().key, "run1/model.bin");
  EXPECT_EQ(listed->back().size, static_cast<int64_t>(big.size()));
}

TEST_F(S3ArtifactStoreSwiftTest, AMissingFileFailsTheBatchNamingTheFileAndKey) {
  std::vector<ArtifactUpload> uploads = {
      {Write("ok.txt", "ok"), "run2/ok.txt", "text/plain"},
      {dir_->path() / "absent.txt", "run2/absent.txt", "text/plain"}};
  auto put = store_->PutFiles(uploads, nullptr);
  ASSERT_FALSE(put.ok());
  EXPECT_NE(put.status().message().find("absent.txt"), std::string::npos) << put.status().message();
  EXPECT_NE(put.status().message().find("run2/absent.txt"), std::string::npos);
}

TEST_F(S3ArtifactStoreSwiftTest, GetOfAMissingKeyIsNotFound) {
  EXPECT_EQ(store_->Get("never/put").status().code(), StatusCode::kNotFound);
}

TEST_F(S3ArtifactStoreSwiftTest, DescribeNamesTheBucketAndEndpointButNoCredential) {
  std::string described = store_->Describe();
  EXPECT_EQ(described, "s3://artifacts at " + server_->endpoint() + "/artifacts");
  EXPECT_EQ(described.find(TestS3Server::kSecretKey), std::string::npos);
}

}  // namespace
}  // namespace sluice::store
