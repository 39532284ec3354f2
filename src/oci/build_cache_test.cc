#include "oci/build_cache.h"

#include <gtest/gtest.h>

#include "common/files.h"
#include "oci/builder_test_util.h"

namespace sluice::oci {
namespace {
namespace fs = std::filesystem;

class BuildCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("build-cache-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    auto layout = ImageLayout::Open(dir_->path() / "store");
    ASSERT_TRUE(layout.ok());
    layout_ = std::make_unique<ImageLayout>(std::move(*layout));
    testing::Write(dir_->path() / "tree/f", "content\n");
    auto layer = BuildLayer(dir_->path() / "tree", {});
    ASSERT_TRUE(layer.ok());
    layer_ = std::move(*layer);
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ImageLayout> layout_;
  Layer layer_;
};

TEST_F(BuildCacheTest, KeysDependOnEveryPartAndItsBoundaries) {
  Digest a = CacheKey().Add("x", "ab").Add("y", "c").Finish();
  EXPECT_EQ(a, CacheKey().Add("x", "ab").Add("y", "c").Finish());
  EXPECT_NE(a, CacheKey().Add("x", "a").Add("y", "bc").Finish());
  EXPECT_NE(a, CacheKey().Add("x", "ab").Add("y", "d").Finish());
  EXPECT_NE(a, CacheKey().Add("y", "c").Add("x", "ab").Finish());
}

TEST_F(BuildCacheTest, RecordedLayerIsFoundWithItsBlob) {
  BuildCache cache(*layout_);
  Digest key = CacheKey().Add("step", "1").Finish();
  auto miss = cache.Lookup(key);
  ASSERT_TRUE(miss.ok());
  EXPECT_FALSE(miss->has_value());
  ASSERT_TRUE(cache.Record(key, layer_).ok());
  auto hit = cache.Lookup(key);
  ASSERT_TRUE(hit.ok() && hit->has_value());
  EXPECT_EQ((*hit)->digest, layer_.digest);
  EXPECT_EQ((*hit)->diff_id, layer_.diff_id);
  EXPECT_EQ((*hit)->size, layer_.size);
  EXPECT_EQ((*hit)->gzip, layer_.gzip);
}

TEST_F(BuildCacheTest, GarbageCollectionKeepsCachedLayers) {
  BuildCache cache(*layout_);
  Digest key = CacheKey().Add("step", "1").Finish();
  ASSERT_TRUE(cache.Record(key, layer_).ok());
  ASSERT_TRUE(layout_->PutBlob("unreferenced", "application/octet-stream").ok());
  auto removed = layout_->CollectGarbage();
  ASSERT_TRUE(removed.ok()) << removed.status().message();
  EXPECT_EQ(*removed, 1);
  EXPECT_TRUE(layout_->HasBlob(layer_.digest));
  // An entry whose blob went anyway is a miss, not an error.
  fs::remove(layout_->BlobPath(layer_.digest));
  auto miss = cache.Lookup(key);
  ASSERT_TRUE(miss.ok());
  EXPECT_FALSE(miss->has_value());
}

TEST_F(BuildCacheTest, FileDigestCoversContentsAndModes) {
  fs::path root = dir_->path() / "tree";
  auto first = DigestOfFiles(root, {"f"});
  ASSERT_TRUE(first.ok());
  fs::permissions(root / "f", fs::perms(0600));
  auto chmodded = DigestOfFiles(root, {"f"});
  testing::Write(root / "f", "other\n");
  auto edited = DigestOfFiles(root, {"f"});
  EXPECT_NE(*first, *chmodded);
  EXPECT_NE(*first, *edited);
  EXPECT_FALSE(DigestOfFiles(root, {"missing"}).ok());
}

}  // namespace
}  // namespace sluice::oci
