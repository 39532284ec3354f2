#include "store/artifact_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/files.h"
#include "common/hash.h"

namespace sluice::store {
namespace {

namespace fs = std::filesystem;

class LocalArtifactStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("artifacts-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    auto store = OpenLocalArtifactStore(root(), "reports");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  fs::path root() const { return dir_->path() / "artifacts"; }

  fs::path Write(const std::string& name, const std::string& content) {
    fs::path file = dir_->path() / "src" / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ArtifactStore> store_;
};

TEST_F(LocalArtifactStoreTest, PutStoresFilesUnderBucketWithSizeDigestAndFileUrl) {
  const std::string html = "<html>metrics</html>\n";
  const std::string bytes("\0\1\2model", 8);
  auto put = store_->PutFiles(
      {{Write("model_metrics.html", html), "harness/output/model_metrics.html", ""},
       {Write("model.pkl", bytes), "models/model.pkl", "application/x-pickle"}},
      nullptr);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  ASSERT_EQ(put->size(), 2u);
  const ArtifactObject& report = (*put)[0];
  EXPECT_EQ(report.bucket, "reports");
  EXPECT_EQ(report.key, "harness/output/model_metrics.html");
  EXPECT_EQ(report.size, static_cast<int64_t>(html.size()));
  EXPECT_EQ(report.sha256, Sha256Hex(html));
  EXPECT_EQ(report.content_type, "text/html; charset=utf-8");
  fs::path stored = root() / "reports/harness/output/model_metrics.html";
  EXPECT_EQ(report.url, "file://" + stored.string());
  EXPECT_EQ(*ReadFile(stored), html);
  EXPECT_EQ((*put)[1].content_type, "application/x-pickle");
  EXPECT_EQ((*put)[1].sha256, Sha256Hex(bytes));
  EXPECT_EQ(*store_->Get("models/model.pkl"), bytes);
  EXPECT_EQ(store_->Describe(), (root() / "reports").string());
}

TEST_F(LocalArtifactStoreTest, PutReplacesAnObjectAndLeavesNoTemporaryFiles) {
  fs::path file = Write("a.txt", "first");
  ASSERT_TRUE(store_->PutFiles({{file, "a.txt", ""}}, nullptr).ok());
  Write("a.txt", "second, longer");
  ASSERT_TRUE(store_->PutFiles({{file, "a.txt", ""}}, nullptr).ok());
  EXPECT_EQ(*store_->Get("a.txt"), "second, longer");
  EXPECT_TRUE(fs::is_empty(root() / ".incoming"));
  auto listed = store_->List("");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].size, 14);
}

TEST_F(LocalArtifactStoreTest, UrlsArePercentEncoded) {
  EXPECT_EQ(store_->UrlFor("dir/my report #1.html"),
            "file://" + (root() / "reports/dir/my%20report%20%231.html").string());
}

TEST_F(LocalArtifactStoreTest, KeysThatCouldLeaveTheBucketAreRefused) {
  fs::path file = Write("a.txt", "x");
  const std::vector<std::string> keys = {"",
                                         "/abs",
                                         "../escape",
                                         "a/../../b",
                                         "a/./b",
                                         "a//b",
                                         "dir/",
                                         std::string(1025, 'k'),
                                         std::string("nul\0byte", 8)};
  for (const std::string& key : keys) {
    auto put = store_->PutFiles({{file, key, ""}}, nullptr);
    ASSERT_FALSE(put.ok()) << "key " << key;
    EXPECT_EQ(put.status().code(), StatusCode::kInvalidArgument) << put.status().ToString();
  }
  EXPECT_FALSE(fs::exists(dir_->path() / "escape"));
  EXPECT_EQ(store_->Get("../escape").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalArtifactStoreTest, FailureNamesTheFileAndKeyAndKeepsEarlierObjects) {
  fs::path good = Write("good.txt", "ok");
  auto put = store_->PutFiles(
      {{good, "good.txt", ""}, {dir_->path() / "missing.txt", "missing.txt", ""}}, nullptr);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kIoError);
  EXPECT_NE(put.status().message().find("missing.txt"), std::string::npos)
      << put.status().message();
  EXPECT_NE(put.status().message().find("\"missing.txt\""), std::string::npos);
  EXPECT_EQ(*store_->Get("good.txt"), "ok");
}

TEST_F(LocalArtifactStoreTest, ListGivesObjectsUnderPrefixByKey) {
  fs::path file = Write("x.csv", "a,b\n");
  ASSERT_TRUE(
      store_
          ->PutFiles(
              {{file, "runs/2/x.csv", ""}, {file, "runs/1/x.csv", ""}, {file, "other.csv", ""}},
              nullptr)
          .ok());
  auto listed = store_->List("runs/");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, "runs/1/x.csv");
  EXPECT_EQ((*listed)[1].key, "runs/2/x.csv");
  EXPECT_EQ((*listed)[0].size, 4);
  EXPECT_EQ((*listed)[0].content_type, "text/csv; charset=utf-8");
  EXPECT_EQ((*listed)[0].url, store_->UrlFor("runs/1/x.csv"));
}

TEST_F(LocalArtifactStoreTest, MissingObjectIsNotFoundAndEmptyBucketListsNothing) {
  EXPECT_EQ(store_->Get("nothing.txt").status().code(), StatusCode::kNotFound);
  auto listed = store_->List("");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(LocalArtifactStoreTest, CancelledPutStoresNothing) {
  Cancellation cancel;
  cancel.Cancel();
  auto put = store_->PutFiles({{Write("a.txt", "x"), "a.txt", ""}}, &cancel);
  EXPECT_EQ(put.status().code(), StatusCode::kAborted);
  EXPECT_EQ(store_->Get("a.txt").status().code(), StatusCode::kNotFound);
}

TEST(LocalArtifactStoreOpenTest, BadBucketNamesAreRefused) {
  for (std::string_view bucket : {"ab", "Upper", "has_underscore", "-dash", "dot.", ".incoming"}) {
    auto store = OpenLocalArtifactStore("/tmp/unused", bucket);
    ASSERT_FALSE(store.ok()) << bucket;
    EXPECT_NE(store.status().message().find("bucket"), std::string::npos);
  }
}

TEST(CheckBucketNameTest, EachBrokenRuleIsNamedWithTheBucket) {
  struct Case {
    std::string_view bucket, rule;
  };
  for (const Case& c : {Case{"ab", "it has 2 characters; a bucket name has 3 to 63"},
                        Case{std::string_view("a\0b", 3), "a control byte"},
                        Case{"Upper", "it holds 'U'; use lower-case letters"},
                        Case{"has_underscore", "it holds '_'"},
                        Case{"-dash", "start and end with a lower-case letter or digit"},
                        Case{"dot.", "start and end with a lower-case letter or digit"},
                        Case{"my..bucket", "periods may not be next to each other"},
                        Case{"192.168.5.4", "the form of an IP address"}}) {
    Status status = CheckBucketName(c.bucket);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.bucket;
    EXPECT_NE(status.message().find(" is not a bucket name: "), std::string::npos)
        << status.message();
    EXPECT_NE(status.message().find(c.rule), std::string::npos) << status.message();
  }
  EXPECT_NE(CheckBucketName("my..bucket").message().find("bucket \"my..bucket\""),
            std::string::npos);
  const std::string longest(63, 'a');
  for (std::string_view good :
       {std::string_view("abc"), std::string_view("mlops-reports"), std::string_view("my.bucket.2"),
        std::string_view("192.168.5.4a"), std::string_view("1.2.3"), std::string_view(longest)}) {
    EXPECT_TRUE(CheckBucketName(good).ok()) << good << ": " << CheckBucketName(good).ToString();
  }
}

TEST(S3ArtifactStoreOpenTest, BucketNamesAreCheckedAsTheLocalStoreChecksThem) {
  S3ClientOptions options;
  options.credentials = {"AKIDEXAMPLE", "secret", ""};
  auto client = S3Client::Create(options);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  std::shared_ptr<S3Client> shared = std::move(client).value();
  for (std::string_view bucket : {"-dash", "dot.", "my..bucket", "10.0.0.1"}) {
    auto store = OpenS3ArtifactStore(shared, bucket);
    ASSERT_FALSE(store.ok()) << bucket;
    EXPECT_EQ(store.status().message(), CheckBucketName(bucket).message());
  }
  EXPECT_TRUE(OpenS3ArtifactStore(shared, "mlops-reports").ok());
}

TEST(ContentTypeTest, ByExtensionCaseInsensitiveWithOctetStreamFallback) {
  EXPECT_EQ(ContentTypeFor("report.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("REPORT.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a/b/metrics.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("plot.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("data.csv"), "text/csv; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("model.onnx"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("Makefile"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("archive.unknownext"), "application/octet-stream");
}

}  // namespace
}  // namespace sluice::store
