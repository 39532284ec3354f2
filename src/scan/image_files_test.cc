#include "scan/image_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>

#include "common/files.h"
#include "oci/builder_test_util.h"
#include "oci/layer_tar.h"
#include "oci/layout.h"
#include "scan/inventory.h"

namespace sluice::scan {
namespace {

namespace fs = std::filesystem;
using oci::testing::Write;

// An image of two layers built with the project's own layer writer:
//   layer 0: etc/a.conf "one", etc/gone.txt, opt/app/{x,sub/y},
//            usr/bin/su (04755), data/f1 and its hard link data/f2
//   layer 1: etc/a.conf "two", a whiteout for etc/gone.txt, opt/app
//            opaque, with opt/app/-early (sorts before the marker) and
//            opt/app/new in the same layer
class ImageFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("image-files-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    auto layout = oci::ImageLayout::Open(dir_->path() / "store");
    ASSERT_TRUE(layout.ok()) << layout.status().message();
    layout_ = std::make_unique<oci::ImageLayout>(std::move(*layout));

    fs::path one = dir_->path() / "one";
    Write(one / "etc/a.conf", "one\n");
    Write(one / "etc/gone.txt", "bye\n");
    Write(one / "opt/app/x", "x\n");
    Write(one / "opt/app/sub/y", "y\n");
    Write(one / "usr/bin/su", "#!/bin/true\n");
    fs::permissions(one / "usr/bin/su", fs::perms(04755));
    Write(one / "data/f1", "linked\n");
    ASSERT_EQ(::link((one / "data/f1").c_str(), (one / "data/f2").c_str()), 0);

    fs::path two = dir_->path() / "two";
    Write(two / "etc/a.conf", "two\n");
    Write(two / "opt/app/-early", "early\n");
    Write(two / "opt/app/new", "new\n");
    oci::LayerChanges changes;
    changes.changed = {"etc/a.conf", "opt/app/-early", "opt/app/new"};
    changes.deleted = {"etc/gone.txt"};
    changes.opaque = {"opt/app"};

    auto l0 = oci::BuildLayer(one, {});
    ASSERT_TRUE(l0.ok()) << l0.status().message();
    auto l1 = oci::BuildLayer(two, {}, &changes);
    ASSERT_TRUE(l1.ok()) << l1.status().message();
    auto desc = layout_->WriteImage({*l0, *l1}, oci::ImageConfig{}, "t");
    ASSERT_TRUE(desc.ok()) << desc.status().message();
    auto manifest = layout_->ReadManifest(desc->digest);
    ASSERT_TRUE(manifest.ok());
    manifest_ = *manifest;
  }

  // Every entry of a walk, in order, with the contents it was given.
  Status Walk(const WalkOptions& options, std::vector<LayerEntry>& entries,
              std::map<std::string, std::string>* contents = nullptr) {
    return WalkLayers(*layout_, manifest_, options,
                      [&](const LayerEntry& e, std::string_view data) {
                        entries.push_back(e);
                        if (contents && !data.empty()) (*contents)[e.path] = std::string(data);
                        return Status::Ok();
                      });
  }

  SquashedFiles Squash() {
    std::vector<LayerEntry> entries;
    EXPECT_TRUE(Walk({}, entries).ok());
    SquashedFiles files;
    for (const auto& e : entries) files.Apply(e);
    return files;
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<oci::ImageLayout> layout_;
  oci::Manifest manifest_;
};

const LayerEntry* FindEntry(const std::vector<LayerEntry>& entries, LayerEntry::Type type,
                            const std::string& path) {
  for (const auto& e : entries) {
    if (e.type == type && e.path == path) return &e;
  }
  return nullptr;
}

TEST_F(ImageFilesTest, WalkGivesEntriesOfEveryLayerWithCleanPathsAndDigests) {
  std::vector<LayerEntry> entries;
  ASSERT_TRUE(Walk({}, entries).ok());
  const LayerEntry* first = FindEntry(entries, LayerEntry::Type::kFile, "etc/a.conf");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->layer, 0u);
  EXPECT_EQ(first->layer_digest, manifest_.layers[0].digest.str());
  EXPECT_EQ(first->size, 4);
  EXPECT_NE(FindEntry(entries, LayerEntry::Type::kDirectory, "opt/app/sub"), nullptr);
  for (const auto& e : entries) {
    EXPECT_FALSE(e.path.starts_with("./") || e.path.starts_with("/") || e.path.ends_with("/"))
        << e.path;
  }
}

TEST_F(ImageFilesTest, WhiteoutsAndOpaqueMarkersAreEntriesOfTheirOwn) {
  std::vector<LayerEntry> entries;
  ASSERT_TRUE(Walk({}, entries).ok());
  const LayerEntry* wh = FindEntry(entries, LayerEntry::Type::kWhiteout, "etc/gone.txt");
  ASSERT_NE(wh, nullptr);
  EXPECT_EQ(wh->layer, 1u);
  EXPECT_EQ(wh->layer_digest, manifest_.layers[1].digest.str());
  EXPECT_NE(FindEntry(entries, LayerEntry::Type::kOpaque, "opt/app"), nullptr);
  for (const auto& e : entries) EXPECT_EQ(e.path.find(".wh."), std::string::npos) << e.path;
}

TEST_F(ImageFilesTest, HardLinkNamesItsSourceAndSetuidModeIsKept) {
  std::vector<LayerEntry> entries;
  ASSERT_TRUE(Walk({}, entries).ok());
  const LayerEntry* link = FindEntry(entries, LayerEntry::Type::kHardLink, "data/f2");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->link_target, "data/f1");
  const LayerEntry* su = FindEntry(entries, LayerEntry::Type::kFile, "usr/bin/su");
  ASSERT_NE(su, nullptr);
  EXPECT_EQ(su->mode, 04755u);
}

TEST_F(ImageFilesTest, ContentsOnlyForWantedPathsAndCutAtMaxContents) {
  WalkOptions options;
  options.wants_contents = [](std::string_view path, int64_t, uint32_t) {
    return path == "etc/a.conf" || path == "opt/app/x";
  };
  options.max_contents = 2;
  std::vector<LayerEntry> entries;
  std::map<std::string, std::string> contents;
  ASSERT_TRUE(Walk(options, entries, &contents).ok());
  EXPECT_EQ(contents.size(), 2u);  // the last a.conf overwrote the first
  EXPECT_EQ(contents["etc/a.conf"], "tw");
  EXPECT_EQ(contents["opt/app/x"], "x\n");
  EXPECT_EQ(contents.count("etc/gone.txt"), 0u);
  EXPECT_TRUE(FindEntry(entries, LayerEntry::Type::kFile, "etc/a.conf")->truncated);
  EXPECT_FALSE(FindEntry(entries, LayerEntry::Type::kFile, "opt/app/x")->truncated);
}

TEST_F(ImageFilesTest, VisitorErrorStopsTheWalk) {
  int seen = 0;
  Status s = WalkLayers(*layout_, manifest_, {}, [&](const LayerEntry&, std::string_view) {
    ++seen;
    return Status::Aborted("enough");
  });
  EXPECT_EQ(s.code(), StatusCode::kAborted);
  EXPECT_EQ(seen, 1);
}

TEST_F(ImageFilesTest, TruncatedBlobIsIoErrorNamingTheLayer) {
  fs::path blob = layout_->BlobPath(manifest_.layers[0].digest);
  fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
  fs::resize_file(blob, fs::file_size(blob) / 2);
  std::vector<LayerEntry> entries;
  Status s = Walk({}, entries);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find(manifest_.layers[0].digest.str()), std::string::npos) << s.message();
}

TEST_F(ImageFilesTest, WalkLayerGivesOneLayerWithItsIndex) {
  std::vector<LayerEntry> all, second;
  ASSERT_TRUE(Walk({}, all).ok());
  Status s = WalkLayer(*layout_, manifest_, 1, {}, [&](const LayerEntry& e, std::string_view) {
    second.push_back(e);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.message();
  std::vector<std::string> expected;
  for (const auto& e : all) {
    if (e.layer == 1) expected.push_back(e.path);
  }
  std::vector<std::string> got;
  for (const auto& e : second) {
    EXPECT_EQ(e.layer, 1u);
    EXPECT_EQ(e.layer_digest, manifest_.layers[1].digest.str());
    got.push_back(e.path);
  }
  EXPECT_EQ(got, expected);
  EXPECT_FALSE(got.empty());
}

TEST_F(ImageFilesTest, WalkLayerOfATruncatedBlobIsIoErrorNamingTheLayer) {
  fs::path blob = layout_->BlobPath(manifest_.layers[1].digest);
  fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
  fs::resize_file(blob, fs::file_size(blob) / 2);
  // The other layer still reads.
  EXPECT_TRUE(WalkLayer(*layout_, manifest_, 0, {}, [](const LayerEntry&, std::string_view) {
                return Status::Ok();
              }).ok());
  Status s = WalkLayer(*layout_, manifest_, 1, {},
                       [](const LayerEntry&, std::string_view) { return Status::Ok(); });
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find("layer " + manifest_.layers[1].digest.str() + " (2 of 2)"),
            std::string::npos)
      << s.message();
}

// A layer large enough that the cut falls in the middle of the stream,
// past what opening the archive reads, both when the contents are read and
// when they are skipped.
TEST(ImageFilesStreamTest, BlobCutMidStreamIsIoErrorNamingTheLayer) {
  auto dir = TempDir::Create("image-files-stream-");
  ASSERT_TRUE(dir.ok());
  auto layout = oci::ImageLayout::Open(dir->path() / "store");
  ASSERT_TRUE(layout.ok());
  std::string noise(3 << 20, '\0');
  uint64_t x = 88172645463325252u;
  for (char& c : noise) {  // xorshift: incompressible, so the blob stays large
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  Write(dir->path() / "root/a/big.bin", noise);
  Write(dir->path() / "root/z/after.txt", "after\n");
  auto layer = oci::BuildLayer(dir->path() / "root", {});
  ASSERT_TRUE(layer.ok());
  auto desc = layout->WriteImage({*layer}, oci::ImageConfig{}, "t");
  ASSERT_TRUE(desc.ok());
  auto manifest = layout->ReadManifest(desc->digest);
  ASSERT_TRUE(manifest.ok());
  fs::path blob = layout->BlobPath(layer->digest);
  fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
  fs::resize_file(blob, fs::file_size(blob) * 6 / 10);

  for (bool read_contents : {false, true}) {
    WalkOptions options;
    if (read_contents) options.wants_contents = [](auto...) { return true; };
    bool saw_after = false;
    Status s = WalkLayers(*layout, *manifest, options, [&](const LayerEntry& e, std::string_view) {
      saw_after |= e.path == "z/after.txt";
      return Status::Ok();
    });
    EXPECT_EQ(s.code(), StatusCode::kIoError) << read_contents;
    EXPECT_NE(s.message().find(layer->digest.str()), std::string::npos) << s.message();
    EXPECT_FALSE(saw_after);
  }
}

TEST_F(ImageFilesTest, CorruptBlobIsIoErrorNamingTheLayer) {
  fs::path blob = layout_->BlobPath(manifest_.layers[1].digest);
  fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
  Write(blob, std::string(100, 'z'));
  std::vector<LayerEntry> entries;
  Status s = Walk({}, entries);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find(manifest_.layers[1].digest.str()), std::string::npos) << s.message();
}

TEST_F(ImageFilesTest, MissingBlobIsIoErrorNamingTheLayer) {
  fs::remove(layout_->BlobPath(manifest_.layers[1].digest));
  std::vector<LayerEntry> entries;
  Status s = Walk({}, entries);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find(manifest_.layers[1].digest.str()), std::string::npos) << s.message();
}

TEST_F(ImageFilesTest, SquashedLaterLayerReplacesAFile) {
  SquashedFiles files = Squash();
  const LayerEntry* conf = files.Find("etc/a.conf");
  ASSERT_NE(conf, nullptr);
  EXPECT_EQ(conf->layer, 1u);
  EXPECT_EQ(conf->layer_digest, manifest_.layers[1].digest.str());
  ASSERT_NE(files.Find("usr/bin/su"), nullptr);
  EXPECT_EQ(files.Find("usr/bin/su")->layer, 0u);
}

TEST_F(ImageFilesTest, SquashedWhiteoutDeletesAFile) {
  SquashedFiles files = Squash();
  EXPECT_EQ(files.Find("etc/gone.txt"), nullptr);
  EXPECT_NE(files.Find("etc"), nullptr);
}

TEST_F(ImageFilesTest, SquashedOpaqueHidesLowerLayersButNotItsOwn) {
  SquashedFiles files = Squash();
  EXPECT_EQ(files.Find("opt/app/x"), nullptr);
  EXPECT_EQ(files.Find("opt/app/sub"), nullptr);
  EXPECT_EQ(files.Find("opt/app/sub/y"), nullptr);
  ASSERT_NE(files.Find("opt/app"), nullptr);
  EXPECT_NE(files.Find("opt/app/-early"), nullptr);
  EXPECT_NE(files.Find("opt/app/new"), nullptr);
}

TEST(SquashedFilesTest, WhiteoutDeletesAWholeDirectory) {
  SquashedFiles files;
  auto add = [&](LayerEntry::Type type, const std::string& path, size_t layer) {
    LayerEntry e;
    e.type = type;
    e.path = path;
    e.layer = layer;
    files.Apply(e);
  };
  add(LayerEntry::Type::kDirectory, "srv", 0);
  add(LayerEntry::Type::kDirectory, "srv/a", 0);
  add(LayerEntry::Type::kFile, "srv/a/f", 0);
  add(LayerEntry::Type::kFile, "srv-other", 0);
  add(LayerEntry::Type::kWhiteout, "srv", 1);
  EXPECT_EQ(files.Find("srv"), nullptr);
  EXPECT_EQ(files.Find("srv/a"), nullptr);
  EXPECT_EQ(files.Find("srv/a/f"), nullptr);
  EXPECT_NE(files.Find("srv-other"), nullptr);
  add(LayerEntry::Type::kFile, "srv", 2);  // a file where the directory was
  ASSERT_NE(files.Find("srv"), nullptr);
  EXPECT_EQ(files.entries().size(), 2u);
}

TEST(SquashedFilesTest, FileOverDirectoryReplacesItsSubtree) {
  SquashedFiles files;
  LayerEntry dir;
  dir.type = LayerEntry::Type::kDirectory;
  dir.path = "x";
  files.Apply(dir);
  LayerEntry child;
  child.path = "x/child";
  files.Apply(child);
  LayerEntry link;
  link.type = LayerEntry::Type::kSymlink;
  link.path = "x";
  link.layer = 1;
  link.link_target = "/elsewhere";
  files.Apply(link);
  EXPECT_EQ(files.Find("x/child"), nullptr);
  ASSERT_NE(files.Find("x"), nullptr);
  EXPECT_EQ(files.Find("x")->type, LayerEntry::Type::kSymlink);
}

// The pieces together, as a scanner uses them: walk with the inventory's
// paths, keep what the squashed filesystem still holds, build the
// inventory. Each package names the layer its file came from.
TEST(ImageFilesInventoryTest, PackagesNameTheLayerOfTheFileThatWins) {
  auto dir = TempDir::Create("image-files-inventory-");
  ASSERT_TRUE(dir.ok());
  auto layout = oci::ImageLayout::Open(dir->path() / "store");
  ASSERT_TRUE(layout.ok());
  fs::path one = dir->path() / "one", two = dir->path() / "two";
  Write(one / "usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
  Write(one / "var/lib/dpkg/status", "Package: old\nStatus: install ok installed\nVersion: 1\n");
  Write(one / "app/node_modules/gone/package.json", R"({"name":"gone","version":"1.0.0"})");
  Write(two / "var/lib/dpkg/status",
        "Package: new\nStatus: install ok installed\nVersion: 2\nArchitecture: amd64\n");
  Write(two / "app/node_modules/kept/package.json", R"({"name":"kept","version":"2.0.0"})");
  oci::LayerChanges changes;
  changes.changed = {"var/lib/dpkg/status", "app/node_modules/kept/package.json"};
  changes.deleted = {"app/node_modules/gone"};
  auto l0 = oci::BuildLayer(one, {});
  auto l1 = oci::BuildLayer(two, {}, &changes);
  ASSERT_TRUE(l0.ok() && l1.ok());
  auto desc = layout->WriteImage({*l0, *l1}, oci::ImageConfig{}, "t");
  ASSERT_TRUE(desc.ok());
  auto manifest = layout->ReadManifest(desc->digest);
  ASSERT_TRUE(manifest.ok());

  WalkOptions options;
  options.wants_contents = [](std::string_view path, int64_t, uint32_t mode) {
    return IsInventoryPath(path, mode);
  };
  SquashedFiles squashed;
  std::map<std::string, InventoryFile> read;
  Status s = WalkLayers(*layout, *manifest, options, [&](const LayerEntry& e, std::string_view c) {
    squashed.Apply(e);
    if (e.type == LayerEntry::Type::kFile && options.wants_contents(e.path, e.size, e.mode)) {
      read[e.path] = {e.path, e.layer_digest, std::string(c)};
    }
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.message();
  std::vector<InventoryFile> files;
  for (auto& [path, file] : read) {
    const LayerEntry* last = squashed.Find(path);
    if (last && last->layer_digest == file.layer_digest) files.push_back(std::move(file));
  }
  Inventory inv = BuildInventory(files);
  EXPECT_EQ(inv.os.id, "debian");
  ASSERT_EQ(inv.packages.size(), 2u);
  EXPECT_EQ(inv.packages[0].name, "new");
  EXPECT_EQ(inv.packages[0].path, "var/lib/dpkg/status");
  EXPECT_EQ(inv.packages[0].layer_digest, l1->digest.str());
  EXPECT_EQ(inv.packages[0].purl, "pkg:deb/debian/new@2?arch=amd64&distro=debian-12");
  EXPECT_EQ(inv.packages[1].name, "kept");
  EXPECT_EQ(inv.packages[1].layer_digest, l1->digest.str());
}

}  // namespace
}  // namespace sluice::scan
