#include "oci/layer_tar.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "common/files.h"
#include "oci/tar_format.h"
#include "oci/test_tools.h"

namespace sluice::oci {
namespace {
namespace fs = std::filesystem;

void Write(const fs::path& p, const std::string& text, int mode = 0644) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  ::chmod(p.c_str(), mode);
}

void SetMtime(const fs::path& p, int64_t t) {
  struct timespec times[2] = {{t, 0}, {t, 0}};
  ::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW);
}

// The same tree, created in a different order and stamped with `mtime`.
void MakeTree(const fs::path& root, bool reverse_order, int64_t mtime) {
  fs::create_directories(root);
  if (reverse_order) {
    Write(root / "z.txt", "last\n");
    Write(root / "bin/run.sh", "#!/bin/sh\necho hi\n", 0755);
    Write(root / "app/model.bin", std::string(70000, '\x07'));
  } else {
    Write(root / "app/model.bin", std::string(70000, '\x07'));
    Write(root / "bin/run.sh", "#!/bin/sh\necho hi\n", 0755);
    Write(root / "z.txt", "last\n");
  }
  fs::create_symlink("../bin/run.sh", root / "app/run");
  fs::create_hard_link(root / "z.txt", root / "app/z-again.txt");
  for (const auto& e : fs::recursive_directory_iterator(root)) SetMtime(e.path(), mtime);
}

TEST(LayerTarTest, SameTreeGivesByteIdenticalLayers) {
  auto dir = TempDir::Create("sluice-layer-");
  ASSERT_TRUE(dir.ok());
  MakeTree(dir->path() / "one", false, 1000);
  MakeTree(dir->path() / "two", true, 2000000000);
  LayerOptions options;
  options.mtime = 1700000000;
  auto one = BuildLayer(dir->path() / "one", options);
  auto two = BuildLayer(dir->path() / "two", options);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ(one->gzip, two->gzip);
  EXPECT_EQ(one->digest, two->digest);
  EXPECT_EQ(one->diff_id, two->diff_id);
  EXPECT_EQ(one->digest, Sha256Of(one->gzip));
  EXPECT_EQ(one->size, static_cast<int64_t>(one->gzip.size()));
  EXPECT_NE(one->digest, one->diff_id);

  // Content, mode and the chosen mtime are all part of the digest.
  ::chmod((dir->path() / "two/z.txt").c_str(), 0600);
  auto chmodded = BuildLayer(dir->path() / "two", options);
  ASSERT_TRUE(chmodded.ok());
  EXPECT_NE(chmodded->digest, one->digest);
  options.mtime = 0;
  auto epoch0 = BuildLayer(dir->path() / "one", options);
  ASSERT_TRUE(epoch0.ok());
  EXPECT_NE(epoch0->digest, one->digest);
}

TEST(LayerTarTest, EntriesAreSortedNumericAndStampedWithOneMtime) {
  auto dir = TempDir::Create("sluice-layer-");
  ASSERT_TRUE(dir.ok());
  MakeTree(dir->path() / "t", false, 5);
  LayerOptions options{.mtime = 42, .uid = 1000, .gid = 1001};
  auto tar = WriteLayerTar(dir->path() / "t", options);
  ASSERT_TRUE(tar.ok()) << tar.status().ToString();
  auto entries = ParseTar(*tar);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  std::vector<std::string> names;
  for (const auto& e : *entries) {
    names.push_back(e.name);
    EXPECT_EQ(e.mtime, 42) << e.name;
    EXPECT_EQ(e.uid, 1000u) << e.name;
    EXPECT_EQ(e.gid, 1001u) << e.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"app/", "app/model.bin", "app/run", "app/z-again.txt",
                                             "bin/", "bin/run.sh", "z.txt"}));
  // The hard link is stored once: the first name in order holds the data.
  EXPECT_EQ((*entries)[3].type, TarType::kFile);
  EXPECT_EQ((*entries)[3].data, "last\n");
  EXPECT_EQ((*entries)[6].type, TarType::kHardLink);
  EXPECT_EQ((*entries)[6].linkname, "app/z-again.txt");
  EXPECT_EQ((*entries)[2].type, TarType::kSymlink);
  EXPECT_EQ((*entries)[2].linkname, "../bin/run.sh");
  EXPECT_EQ((*entries)[5].mode, 0755u);
  // No user or group names (ustar uname at 265, gname at 297).
  EXPECT_EQ(tar->substr(265, 64), std::string(64, '\0'));
}

TEST(LayerTarTest, GnuTarReadsOurLayerIncludingLongNames) {
  std::string missing = testing::MissingTool("tar", "tar");
  ASSERT_TRUE(missing.empty()) << missing;
  auto dir = TempDir::Create("sluice-layer-");
  ASSERT_TRUE(dir.ok());
  std::string long_dir(120, 'd');
  Write(dir->path() / "src" / long_dir / "file.txt", "deep\n");
  fs::create_symlink(std::string(150, 'x'), dir->path() / "src/long-link");
  auto layer = BuildLayer(dir->path() / "src", LayerOptions{});
  ASSERT_TRUE(layer.ok()) << layer.status().ToString();
  fs::path gz = dir->path() / "layer.tar.gz";
  Write(gz, layer->gzip);
  fs::create_directories(dir->path() / "out");
  auto run = testing::RunTool({"tar", "-xzf", gz.string(), "-C", (dir->path() / "out").string()});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto text = ReadFile(dir->path() / "out" / long_dir / "file.txt");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "deep\n");
  EXPECT_EQ(fs::read_symlink(dir->path() / "out/long-link").string(), std::string(150, 'x'));
  // Our own reader agrees, through the PAX header.
  auto entries = ParseTar(*Gunzip(layer->gzip));
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 3u);  // the long directory, its file, the link
  EXPECT_EQ((*entries)[1].name, long_dir + "/file.txt");
  EXPECT_EQ((*entries)[2].linkname, std::string(150, 'x'));
  auto listing = testing::RunTool({"tar", "-tvzf", gz.string()});
  EXPECT_NE(listing.output.find("0/0"), std::string::npos) << listing.output;
}

TEST(LayerTarTest, GzipHasNoNameAndZeroTimeAndRoundTrips) {
  auto gz = Gzip("hello layer");
  ASSERT_TRUE(gz.ok());
  ASSERT_TRUE(IsGzip(*gz));
  EXPECT_EQ((*gz)[3], '\0');                          // FLG: no FNAME, no FCOMMENT
  EXPECT_EQ(gz->substr(4, 4), std::string(4, '\0'));  // MTIME 0
  auto back = Gunzip(*gz);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "hello layer");
  auto truncated = Gunzip(gz->substr(0, gz->size() / 2));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("not valid gzip"), std::string::npos);
}

TEST(LayerTarTest, DiffHoldsChangesParentsAndWhiteouts) {
  auto dir = TempDir::Create("sluice-layer-");
  ASSERT_TRUE(dir.ok());
  Write(dir->path() / "etc/app/new.conf", "x=1\n");
  Write(dir->path() / "etc/other", "not in the diff\n");
  fs::create_directories(dir->path() / "var/cache");
  LayerChanges changes{
      .changed = {"etc/app/new.conf"}, .deleted = {"etc/old.conf"}, .opaque = {"var/cache"}};
  auto tar = WriteLayerTar(dir->path(), LayerOptions{}, &changes);
  ASSERT_TRUE(tar.ok()) << tar.status().ToString();
  auto entries = ParseTar(*tar);
  ASSERT_TRUE(entries.ok());
  std::vector<std::string> names;
  for (const auto& e : *entries) names.push_back(e.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"etc/", "etc/.wh.old.conf", "etc/app/", "etc/app/new.conf",
                                      "var/", "var/cache/", "var/cache/.wh..wh..opq"}));
  LayerChanges bad{.changed = {"../outside"}};
  auto rejected = WriteLayerTar(dir->path(), LayerOptions{}, &bad);
  ASSERT_FALSE(rejected.ok());
  EXPECT_NE(rejected.status().message().find("\"../outside\""), std::string::npos);
}

TEST(LayerTarTest, KeepOwnersWritesEachFilesOwnerInsteadOfTheFixedOne) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving a file another owner needs root";
  auto dir = TempDir::Create("layer-tar-test-");
  ASSERT_TRUE(dir.ok());
  Write(dir->path() / "mine", "m");
  Write(dir->path() / "theirs", "t");
  ASSERT_EQ(::lchown((dir->path() / "theirs").c_str(), 1001, 1002), 0);
  auto owners = [&](const LayerOptions& options) {
    auto tar = WriteLayerTar(dir->path(), options);
    EXPECT_TRUE(tar.ok());
    auto entries = ParseTar(*tar);
    EXPECT_TRUE(entries.ok());
    std::string out;
    for (const auto& e : *entries) {
      out += e.name + "=" + std::to_string(e.uid) + ":" + std::to_string(e.gid) + " ";
    }
    return out;
  };
  LayerOptions fixed;
  fixed.uid = 7;
  fixed.gid = 8;
  EXPECT_EQ(owners(fixed), "mine=7:8 theirs=7:8 ");
  LayerOptions keep;
  keep.keep_owners = true;
  EXPECT_EQ(owners(keep), "mine=0:0 theirs=1001:1002 ");
}

TEST(LayerTarTest, SourceDateEpochParsesOnlyDigits) {
  auto v = ParseSourceDateEpoch("1700000000");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 1700000000);
  auto bad = ParseSourceDateEpoch("yesterday");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("SOURCE_DATE_EPOCH \"yesterday\""), std::string::npos);
  EXPECT_FALSE(ParseSourceDateEpoch("").ok());
}

}  // namespace
}  // namespace sluice::oci
