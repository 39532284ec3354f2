#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using testing::MakeStateDir;
using testing::OpenOrDie;
using testing::SampleExecution;

ArtifactRecord Artifact(const std::string& execution_id, std::string name, int64_t size) {
  ArtifactRecord a;
  a.execution_id = execution_id;
  a.node_path = "Train.upload";
  a.attempt = 1;
  a.name = std::move(name);
  a.url = "file:///state/artifacts/bucket/" + a.name;
  a.size = size;
  a.sha256 = size < 0 ? "" : std::string(64, 'a');
  a.content_type = size < 0 ? "" : "text/html; charset=utf-8";
  a.created_ms = 1'700'000'000'123;
  if (size >= 0) {
    a.bucket = "bucket";
    a.key = "out/" + a.name;
  }
  return a;
}

TEST(StoreTest, ArtifactsRoundTripInInsertionOrderAndStayWhenNodesAreReplaced) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord rec = SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&rec).ok());
  std::vector<ArtifactRecord> first = {Artifact(rec.id, "z_report.html", 42),
                                       Artifact(rec.id, "a_model.pkl", 7)};
  first[1].url = "http://127.0.0.1:8090/bucket/out/a_model.pkl";
  first[1].s3 = {"aws_connector", "http://127.0.0.1:8090", "eu-west-2"};
  std::vector<ArtifactRecord> second = {Artifact(rec.id, "announced", -1)};
  second[0].node_path = "Train.publish";
  ASSERT_TRUE(store->AddArtifacts(&first).ok());
  ASSERT_TRUE(store->AddArtifacts(&second).ok());
  EXPECT_GT(first[0].id, 0);
  EXPECT_GT(first[1].id, first[0].id);
  EXPECT_GT(second[0].id, first[1].id);
  ASSERT_TRUE(store->DeleteNodes(rec.id, "").ok());

  auto got = store->GetArtifacts(rec.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 3u);
  const ArtifactRecord& a = (*got)[0];
  EXPECT_EQ(a.id, first[0].id);
  EXPECT_EQ(a.execution_id, rec.id);
  EXPECT_EQ(a.node_path, "Train.upload");
  EXPECT_EQ(a.attempt, 1);
  EXPECT_EQ(a.name, "z_report.html");
  EXPECT_EQ(a.url, "file:///state/artifacts/bucket/z_report.html");
  EXPECT_EQ(a.size, 42);
  EXPECT_EQ(a.sha256, std::string(64, 'a'));
  EXPECT_EQ(a.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(a.created_ms, 1'700'000'000'123);
  EXPECT_EQ(a.bucket, "bucket");
  EXPECT_EQ(a.key, "out/z_report.html");
  EXPECT_TRUE(a.s3.connector.empty());
  EXPECT_EQ((*got)[1].name, "a_model.pkl");
  EXPECT_EQ((*got)[1].s3.connector, "aws_connector");
  EXPECT_EQ((*got)[1].s3.endpoint, "http://127.0.0.1:8090");
  EXPECT_EQ((*got)[1].s3.region, "eu-west-2");
  EXPECT_EQ((*got)[2].node_path, "Train.publish");
  EXPECT_EQ((*got)[2].size, -1);
  EXPECT_TRUE((*got)[2].sha256.empty());
  EXPECT_TRUE((*got)[2].bucket.empty());
  EXPECT_TRUE((*got)[2].key.empty());
  EXPECT_TRUE(store->GetArtifacts("other")->empty());
}

TEST(StoreTest, ArtifactsOfUnknownExecutionWriteNothing) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord rec = SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&rec).ok());
  // The second record names a missing execution: the first is rolled back too.
  std::vector<ArtifactRecord> mixed = {Artifact(rec.id, "ok.html", 1),
                                       Artifact("ghost", "lost.html", 1)};
  EXPECT_EQ(store->AddArtifacts(&mixed).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(mixed[0].id, 0);
  EXPECT_TRUE(store->GetArtifacts(rec.id)->empty());
  // The store still takes writes.
  std::vector<ArtifactRecord> good = {Artifact(rec.id, "ok.html", 1)};
  ASSERT_TRUE(store->AddArtifacts(&good).ok());
  EXPECT_EQ(store->GetArtifacts(rec.id)->size(), 1u);
  std::vector<ArtifactRecord> none;
  EXPECT_TRUE(store->AddArtifacts(&none).ok());
}

}  // namespace
}  // namespace sluice::store
