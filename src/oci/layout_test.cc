#include "oci/layout.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/files.h"
#include "oci/rootfs_cache.h"
#include "oci/test_tools.h"

namespace sluice::oci {
namespace {
namespace fs = std::filesystem;

void Write(const fs::path& p, const std::string& text, fs::perms mode = fs::perms(0644)) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  fs::permissions(p, mode);
}

// What a tree holds, as comparable text: path -> kind and content.
std::map<std::string, std::string> Snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    std::string rel = e.path().lexically_relative(root).generic_string();
    if (e.is_symlink()) {
      out[rel] = "link " + fs::read_symlink(e.path()).string();
    } else if (e.is_directory()) {
      out[rel] = "dir";
    } else {
      auto text = ReadFile(e.path());
      out[rel] =
          "file " + (text.ok() ? *text : "?") +
          ((fs::status(e.path()).permissions() & fs::perms::owner_exec) != fs::perms::none ? " +x"
                                                                                           : "");
    }
  }
  return out;
}

// Two layers: a base tree, then a diff that deletes one file and adds one.
class LayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-layout-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    fs::path tree = dir_->path() / "tree";
    Write(tree / "bin/run.sh", "#!/bin/sh\necho hi\n", fs::perms(0755));
    Write(tree / "etc/app.conf", "x=1\n");
    Write(tree / "etc/old.conf", "old\n");
    fs::create_symlink("bin", tree / "sbin");
    fs::create_hard_link(tree / "etc/app.conf", tree / "etc/app-link.conf");
    auto base = BuildLayer(tree, LayerOptions{});
    ASSERT_TRUE(base.ok()) << base.status().ToString();
    fs::remove(tree / "etc/old.conf");
    Write(tree / "app/model.bin", std::string(5000, 'm'));
    LayerChanges changes{
        .changed = {"app", "app/model.bin"}, .deleted = {"etc/old.conf"}, .opaque = {}};
    auto diff = BuildLayer(tree, LayerOptions{}, &changes);
    ASSERT_TRUE(diff.ok()) << diff.status().ToString();
    layers_ = {std::move(*base), std::move(*diff)};
    config_.created = Rfc3339Utc(0);
    config_.config.env = {"PATH=/bin", "MODE=train"};
    config_.config.cmd = std::vector<std::string>{"/bin/run.sh"};
    config_.config.working_dir = "/app";
    config_.config.labels = {{"org.example.stage", "training"}};
    layout_dir_ = dir_->path() / "layout";
  }

  std::unique_ptr<TempDir> dir_;
  std::vector<Layer> layers_;
  ImageConfig config_;
  fs::path layout_dir_;
};

TEST_F(LayoutTest, WritesAnImageAndReadsItBackByTagAndDigest) {
  auto layout = ImageLayout::Open(layout_dir_);
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  EXPECT_EQ(*ReadFile(layout_dir_ / "oci-layout"), R"({"imageLayoutVersion":"1.0.0"})");
  auto written = layout->WriteImage(layers_, config_, "v1");
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->media_type, kMediaTypeManifest);

  auto by_tag = layout->Resolve("v1");
  ASSERT_TRUE(by_tag.ok()) << by_tag.status().ToString();
  EXPECT_EQ(by_tag->digest, written->digest);
  auto by_digest = layout->Resolve(written->digest.str());
  ASSERT_TRUE(by_digest.ok());
  EXPECT_EQ(by_digest->digest, written->digest);

  auto manifest = layout->ReadManifest(written->digest);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  ASSERT_EQ(manifest->layers.size(), 2u);
  EXPECT_EQ(manifest->layers[0].media_type, kMediaTypeLayerGzip);
  EXPECT_EQ(manifest->layers[1].digest, layers_[1].digest);
  EXPECT_EQ(manifest->config.media_type, kMediaTypeConfig);
  auto config = layout->ReadConfig(*manifest);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->diff_ids, (std::vector<Digest>{layers_[0].diff_id, layers_[1].diff_id}));
  EXPECT_EQ(config->config, config_.config);
  EXPECT_EQ(config->history.size(), 2u);

  auto missing = layout->Resolve("v2");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("no image tagged \"v2\""), std::string::npos);
}

TEST_F(LayoutTest, RewritingTheSameImageChangesNothingAndRetaggingMoves) {
  auto layout = ImageLayout::Open(layout_dir_);
  ASSERT_TRUE(layout.ok());
  auto first = layout->WriteImage(layers_, config_, "v1");
  ASSERT_TRUE(first.ok());
  std::string index_before = *ReadFile(layout_dir_ / "index.json");
  auto blobs = [&] {
    return std::distance(fs::directory_iterator(layout_dir_ / "blobs/sha256"), {});
  };
  auto blob_count = blobs();
  EXPECT_EQ(blob_count, 4);  // two layers, config, manifest
  auto again = ImageLayout::Open(layout_dir_)->WriteImage(layers_, config_, "v1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->digest, first->digest);
  EXPECT_EQ(*ReadFile(layout_dir_ / "index.json"), index_before);
  EXPECT_EQ(blobs(), blob_count);

  ASSERT_TRUE(layout->Tag("latest", *first).ok());
  config_.config.env.push_back("EXTRA=1");
  auto changed = layout->WriteImage(layers_, config_, "v1");
  ASSERT_TRUE(changed.ok());
  EXPECT_NE(changed->digest, first->digest);
  EXPECT_EQ(*layout->ListTags(), (std::vector<std::string>{"latest", "v1"}));
  EXPECT_EQ(layout->Resolve("v1")->digest, changed->digest);
  EXPECT_EQ(layout->Resolve("latest")->digest, first->digest);

  // Untagging the first image leaves its config and manifest unreachable.
  ASSERT_TRUE(layout->Tag("latest", *changed).ok());
  auto removed = layout->CollectGarbage();
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 2);
  EXPECT_FALSE(layout->HasBlob(first->digest));
  EXPECT_TRUE(layout->HasBlob(layers_[0].digest));
}

TEST_F(LayoutTest, RejectsBadTagsWrongDigestsAndCorruptBlobs) {
  auto layout = ImageLayout::Open(layout_dir_);
  ASSERT_TRUE(layout.ok());
  auto bad_tag = layout->WriteImage(layers_, config_, "-bad tag");
  ASSERT_FALSE(bad_tag.ok());
  EXPECT_NE(bad_tag.status().message().find("image tag \"-bad tag\" is not valid"),
            std::string::npos);
  EXPECT_EQ(std::distance(fs::directory_iterator(layout_dir_ / "blobs/sha256"), {}), 0);

  Digest wrong = Sha256Of("something else");
  auto mismatch = layout->PutBlob("content", kMediaTypeLayerGzip, &wrong);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.status().message().find("expected " + wrong.str()), std::string::npos);
  EXPECT_FALSE(layout->HasBlob(Sha256Of("content")));

  auto written = layout->WriteImage(layers_, config_, "v1");
  ASSERT_TRUE(written.ok());
  Write(layout->BlobPath(written->digest), "{\"tampered\":true}");
  auto corrupt = layout->ReadManifest(written->digest);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_NE(corrupt.status().message().find("does not match its digest"), std::string::npos);

  Write(dir_->path() / "not-a-layout/file", "x");
  auto not_layout = ImageLayout::Open(dir_->path() / "not-a-layout");
  ASSERT_FALSE(not_layout.ok());
  EXPECT_NE(not_layout.status().message().find("is not an OCI image layout"), std::string::npos);
}

TEST_F(LayoutTest, ConcurrentWritersOfOneBlobLeaveOneIntactBlob) {
  auto layout = ImageLayout::Open(layout_dir_);
  ASSERT_TRUE(layout.ok());
  const std::string& bytes = layers_[0].gzip;
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int i = 0; i < 8; ++i) {
    writers.emplace_back([&] {
      if (!layout->PutBlob(bytes, kMediaTypeLayerGzip, &layers_[0].digest).ok()) ++failures;
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto back = layout->ReadBlob(layers_[0].digest);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, bytes);
  EXPECT_EQ(std::distance(fs::directory_iterator(layout_dir_ / "blobs/sha256"), {}), 1);
}

TEST_F(LayoutTest, UnpacksLayersInOrderAndReusesTheCache) {
  auto layout = ImageLayout::Open(layout_dir_);
  ASSERT_TRUE(layout.ok());
  auto written = layout->WriteImage(layers_, config_, "v1");
  ASSERT_TRUE(written.ok());
  fs::path cache = dir_->path() / "cache";
  auto rootfs = UnpackImageCached(*layout, written->digest, cache);
  ASSERT_TRUE(rootfs.ok()) << rootfs.status().ToString();
  EXPECT_EQ(*rootfs, cache / written->digest.hex / "rootfs");
  auto files = Snapshot(*rootfs);
  EXPECT_EQ(files["bin/run.sh"], "file #!/bin/sh\necho hi\n +x");
  EXPECT_EQ(files["sbin"], "link bin");
  EXPECT_EQ(files["app/model.bin"], "file " + std::string(5000, 'm'));
  EXPECT_EQ(files["etc/app-link.conf"], "file x=1\n");
  EXPECT_EQ(files.count("etc/old.conf"), 0u);

  // A second call reuses the directory: a marker left in it survives.
  Write(*rootfs / "marker", "still here");
  auto again = UnpackImageCached(*layout, written->digest, cache);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(fs::exists(*again / "marker"));
  EXPECT_EQ(std::distance(fs::directory_iterator(cache), {}), 1);  // no temporary left behind
}

TEST_F(LayoutTest, RefusesALayerThatDoesNotMatchItsDiffId) {
  auto layout = ImageLayout::Open(layout_dir_);
  ASSERT_TRUE(layout.ok());
  std::swap(layers_[0].diff_id, layers_[1].diff_id);
  auto written = layout->WriteImage(layers_, config_, "v1");
  ASSERT_TRUE(written.ok());
  fs::path cache = dir_->path() / "cache";
  auto rootfs = UnpackImageCached(*layout, written->digest, cache);
  ASSERT_FALSE(rootfs.ok());
  EXPECT_NE(rootfs.status().message().find("does not match diff_id"), std::string::npos)
      << rootfs.status().message();
  EXPECT_FALSE(fs::exists(cache / written->digest.hex));
}

TEST_F(LayoutTest, SkopeoInspectsAndCopiesOurLayout) {
  std::string missing = testing::MissingTool("skopeo", "skopeo");
  ASSERT_TRUE(missing.empty()) << missing;
  auto layout = ImageLayout::Open(layout_dir_);
  ASSERT_TRUE(layout.ok());
  auto written = layout->WriteImage(layers_, config_, "v1");
  ASSERT_TRUE(written.ok());

  auto inspect = testing::RunTool({"skopeo", "inspect", "oci:" + layout_dir_.string() + ":v1"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.output;
  auto info = nlohmann::json::parse(inspect.output, nullptr, false);
  ASSERT_FALSE(info.is_discarded()) << inspect.output;
  EXPECT_EQ(info["Digest"], written->digest.str());
  EXPECT_EQ(info["Layers"], (nlohmann::json{layers_[0].digest.str(), layers_[1].digest.str()}));
  EXPECT_EQ(info["Env"], (nlohmann::json{"PATH=/bin", "MODE=train"}));
  EXPECT_EQ(info["Labels"]["org.example.stage"], "training");
  EXPECT_EQ(info["Architecture"], "amd64");

  fs::path other = dir_->path() / "other";
  auto copy = testing::RunTool({"skopeo", "copy", "oci:" + layout_dir_.string() + ":v1",
                                "oci:" + other.string() + ":copied"});
  ASSERT_EQ(copy.exit_code, 0) << copy.output;
  // skopeo keeps our blobs as they are, so the copy reads back identically through us.
  auto copied = ImageLayout::Open(other);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  auto resolved = copied->Resolve("copied");
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->digest, written->digest);
  EXPECT_TRUE(copied->HasBlob(layers_[1].digest));
}

TEST_F(LayoutTest, UmociUnpacksTheSameFilesAsWeDo) {
  std::string missing = testing::MissingTool("umoci", "umoci");
  ASSERT_TRUE(missing.empty()) << missing;
  auto layout = ImageLayout::Open(layout_dir_);
  ASSERT_TRUE(layout.ok());
  auto written = layout->WriteImage(layers_, config_, "v1");
  ASSERT_TRUE(written.ok());
  fs::path bundle = dir_->path() / "bundle";
  auto unpack = testing::RunTool(
      {"umoci", "unpack", "--rootless", "--image", layout_dir_.string() + ":v1", bundle.string()});
  ASSERT_EQ(unpack.exit_code, 0) << unpack.output;
  auto ours = UnpackImageCached(*layout, written->digest, dir_->path() / "cache");
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  auto theirs = Snapshot(bundle / "rootfs");
  EXPECT_EQ(Snapshot(*ours), theirs);
  EXPECT_EQ(theirs.count("etc/old.conf"), 0u);  // umoci applied our whiteout
  EXPECT_EQ(theirs["app/model.bin"], "file " + std::string(5000, 'm'));
}

}  // namespace
}  // namespace sluice::oci
