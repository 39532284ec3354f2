#include "steps/artifact_publisher.h"

#include <gtest/gtest.h>

namespace sluice::steps {
namespace {

TEST(ArtifactPublisherTest, RecognisesThePublisherImageWithAnyTagOrRegistry) {
  for (const char* image :
       {"plugins/artifact-metadata-publisher", "plugins/artifact-metadata-publisher:latest",
        "plugins/artifact-metadata-publisher:1.0.2",
        "docker.io/plugins/artifact-metadata-publisher",
        "docker.io/library/plugins/artifact-metadata-publisher:1",
        "registry.example.com:5000/plugins/artifact-metadata-publisher:2",
        " plugins/artifact-metadata-publisher "}) {
    EXPECT_TRUE(IsArtifactMetadataPublisher(image)) << image;
  }
  for (const char* image :
       {"plugins/s3", "artifact-metadata-publisher", "plugins/artifact-metadata-publisher-fork",
        "me/plugins", "not a reference"}) {
    EXPECT_FALSE(IsArtifactMetadataPublisher(image)) << image;
  }
}

TEST(ArtifactPublisherTest, OneUrlIsNamedByItsLastPathSegment) {
  auto files = ParseFileUrls("https://bucket.s3.amazonaws.com/harness/output/model_metrics.html",
                             "settings.file_urls");
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(*files, (std::vector<PublishedFile>{
                        {"model_metrics.html",
                         "https://bucket.s3.amazonaws.com/harness/output/model_metrics.html"}}));
}

TEST(ArtifactPublisherTest, SeveralUrlsKeepTheirOrderAndNames) {
  auto files = ParseFileUrls(
      " https://h/a/report.html?X-Amz-Signature=abc , s3://b/k/model.json,,"
      "Metrics:::http://127.0.0.1:9000/m.csv, file:///tmp/out.txt,",
      "settings.file_urls");
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(*files, (std::vector<PublishedFile>{
                        {"report.html", "https://h/a/report.html?X-Amz-Signature=abc"},
                        {"model.json", "s3://b/k/model.json"},
                        {"Metrics", "http://127.0.0.1:9000/m.csv"},
                        {"out.txt", "file:///tmp/out.txt"}}));
}

TEST(ArtifactPublisherTest, AUrlWithoutAPathIsNamedByItsPosition) {
  auto files = ParseFileUrls("https://a/b.txt,https://example.com/", "settings.file_urls");
  ASSERT_TRUE(files.ok());
  EXPECT_EQ((*files)[1].name, "file-1");
}

TEST(ArtifactPublisherTest, AnUnsupportedUrlIsAnErrorNamingTheSetting) {
  auto files = ParseFileUrls("https://ok/a.html, ftp://host/b.html", "settings.file_urls");
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().message(),
            "settings.file_urls: \"ftp://host/b.html\" is not a URL sluice can publish; give "
            "http://, https://, file:// or s3:// URLs, separated by commas or as a YAML list");
  EXPECT_FALSE(ParseFileUrls("model_metrics.html", "settings.file_urls").ok());
  EXPECT_FALSE(ParseFileUrls("https://", "settings.file_urls").ok());
  auto empty = ParseFileUrls(" , ", "settings.file_urls");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(),
            "settings.file_urls is empty; give the URLs of the files to publish");
}

TEST(ArtifactPublisherTest, TheArtifactFileIsThePluginsDocumentAndReadsBack) {
  std::vector<PublishedFile> files = {{"a.html", "https://h/a.html"}, {"b", "s3://x/b"}};
  std::string text = ArtifactFileJson(files);
  auto doc = nlohmann::json::parse(text);
  EXPECT_EQ(doc, nlohmann::json::parse(R"({"kind":"fileUpload/v1","data":{"fileArtifacts":[
      {"name":"a.html","url":"https://h/a.html"},{"name":"b","url":"s3://x/b"}]}})"));
  EXPECT_EQ(text.rfind("{\n\t\"kind\": \"fileUpload/v1\",", 0), 0u) << text;
  auto back = ParseArtifactFile(text);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, files);
}

TEST(ArtifactPublisherTest, OtherDocumentsAreNotArtifactFiles) {
  EXPECT_FALSE(ParseArtifactFile("not json").ok());
  EXPECT_FALSE(ParseArtifactFile(R"({"kind":"dockerArtifact/v1","data":{}})").ok());
  EXPECT_FALSE(ParseArtifactFile(R"({"kind":"fileUpload/v1","data":{}})").ok());
  EXPECT_FALSE(
      ParseArtifactFile(R"({"kind":"fileUpload/v1","data":{"fileArtifacts":[{"name":"x"}]}})")
          .ok());
}

store::ArtifactRecord Uploaded(std::string bucket, std::string key, std::string url, int64_t size) {
  store::ArtifactRecord r;
  r.id = 7;
  r.node_path = "Train.upload";
  r.name = "stored name";
  r.url = std::move(url);
  r.size = size;
  r.sha256 = std::string(64, 'a');
  r.content_type = "text/html; charset=utf-8";
  r.bucket = std::move(bucket);
  r.key = std::move(key);
  return r;
}

TEST(ArtifactPublisherTest, RecordsAreUnknownInSizeUnlessTheUrlNamesAnUploadedObject) {
  std::vector<PublishedFile> files = {{"m.html", "s3://bucket/harness/output/m.html"},
                                      {"x", "https://elsewhere/x"}};
  auto plain = ArtifactRecords(files, {});
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_EQ(plain[0].name, "m.html");
  EXPECT_EQ(plain[0].url, "s3://bucket/harness/output/m.html");
  EXPECT_EQ(plain[0].size, -1);
  EXPECT_TRUE(plain[0].sha256.empty());
  EXPECT_TRUE(plain[0].content_type.empty());
  EXPECT_TRUE(plain[0].bucket.empty());

  std::vector<store::ArtifactRecord> uploaded = {
      Uploaded("bucket", "harness/output/m.html",
               "file:///s/artifacts/bucket/harness/output/m.html", 42),
      Uploaded("other", "x", "https://elsewhere/x", 5)};
  auto known = ArtifactRecords(files, uploaded);
  EXPECT_EQ(known[0].name, "m.html");
  EXPECT_EQ(known[0].url, "s3://bucket/harness/output/m.html");
  EXPECT_EQ(known[0].id, 0);
  EXPECT_EQ(known[0].size, 42);
  EXPECT_EQ(known[0].sha256, std::string(64, 'a'));
  EXPECT_EQ(known[0].content_type, "text/html; charset=utf-8");
  EXPECT_EQ(known[0].bucket, "bucket");
  EXPECT_EQ(known[0].key, "harness/output/m.html");
  // The same URL as the upload's own.
  EXPECT_EQ(known[1].size, 5);
  EXPECT_EQ(known[1].bucket, "other");
}

TEST(ArtifactPublisherTest, AnAwsUrlNamesTheObjectStoredUnderItsBucketAndKeyTheLatestUploadWins) {
  std::vector<PublishedFile> files = {
      {"model_metrics.html",
       "https://mlopswebapp.s3.us-east-1.amazonaws.com/harness/output/model_metrics.html"}};
  std::vector<store::ArtifactRecord> uploaded = {
      Uploaded("mlopswebapp", "harness/output/model_metrics.html", "file:///a", 10),
      Uploaded("mlopswebapp", "harness/output/other.html", "file:///b", 20),
      Uploaded("mlopswebapp", "harness/output/model_metrics.html", "file:///a", 30)};
  store::ArtifactRecord announced;  // a URL only announced is never a match
  announced.url = files[0].url;
  announced.size = 99;
  uploaded.push_back(announced);
  auto records = ArtifactRecords(files, uploaded);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].size, 30);
  EXPECT_EQ(records[0].name, "model_metrics.html");
  EXPECT_EQ(records[0].url, files[0].url);
  // Another bucket with the same key is another object.
  uploaded = {Uploaded("elsewhere", "harness/output/model_metrics.html", "file:///c", 10)};
  EXPECT_EQ(ArtifactRecords(files, uploaded)[0].size, -1);
}

}  // namespace
}  // namespace sluice::steps
