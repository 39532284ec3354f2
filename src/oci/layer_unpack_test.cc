#include "oci/layer_unpack.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/files.h"
#include "oci/layer_tar.h"
#include "oci/tar_format.h"

namespace sluice::oci {
namespace {
namespace fs = std::filesystem;

TarEntry File(std::string name, std::string_view data) {
  TarEntry e;
  e.name = std::move(name);
  e.data = data;
  return e;
}

TarEntry Link(std::string name, TarType type, std::string target) {
  TarEntry e;
  e.name = std::move(name);
  e.type = type;
  e.linkname = std::move(target);
  e.mode = 0777;
  return e;
}

std::string Tar(const std::vector<TarEntry>& entries) {
  std::string out;
  for (const auto& e : entries) AppendTarEntry(out, e);
  AppendTarEnd(out);
  return out;
}

// A root inside a sandbox whose sibling "outside" must stay empty.
class LayerUnpackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-unpack-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    root_ = dir_->path() / "root";
    outside_ = dir_->path() / "outside";
    fs::create_directories(root_);
    fs::create_directories(outside_);
  }

  void ExpectRejected(const std::vector<TarEntry>& entries, const std::string& entry,
                      const std::string& why) {
    Status s = UnpackLayer(Tar(entries), root_);
    ASSERT_FALSE(s.ok()) << "entry " << entry << " was accepted";
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("\"" + entry + "\" rejected"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(why), std::string::npos) << s.message();
    EXPECT_TRUE(fs::is_empty(outside_)) << "something was written outside the root";
  }

  std::string Read(const fs::path& p) {
    auto r = ReadFile(p);
    return r.ok() ? *r : "<" + r.status().message() + ">";
  }

  std::unique_ptr<TempDir> dir_;
  fs::path root_, outside_;
};

TEST_F(LayerUnpackTest, RoundTripsOurLayerWithLinks) {
  fs::path src = dir_->path() / "src";
  fs::create_directories(src / "app");
  std::ofstream(src / "app/a.txt") << "alpha\n";
  fs::create_hard_link(src / "app/a.txt", src / "app/b.txt");
  fs::create_symlink("a.txt", src / "app/c");
  fs::permissions(src / "app", fs::perms(0555));
  auto layer = BuildLayer(src, LayerOptions{});
  fs::permissions(src / "app", fs::perms(0755));
  ASSERT_TRUE(layer.ok()) << layer.status().ToString();
  Status s = UnpackLayer(layer->gzip, root_);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Read(root_ / "app/a.txt"), "alpha\n");
  EXPECT_EQ(Read(root_ / "app/b.txt"), "alpha\n");
  EXPECT_TRUE(fs::equivalent(root_ / "app/a.txt", root_ / "app/b.txt"));
  EXPECT_EQ(fs::read_symlink(root_ / "app/c"), "a.txt");
  // The read-only directory got its files first, then its mode.
  EXPECT_EQ(fs::status(root_ / "app").permissions() & fs::perms::all, fs::perms(0555));
  fs::permissions(root_ / "app", fs::perms(0755));
}

TEST_F(LayerUnpackTest, WhiteoutsRoundTripOverALowerLayer) {
  fs::path tree = dir_->path() / "tree";
  fs::create_directories(tree / "a");
  fs::create_directories(tree / "b/sub");
  std::ofstream(tree / "a/x") << "x";
  std::ofstream(tree / "a/y") << "y";
  std::ofstream(tree / "b/z") << "z";
  std::ofstream(tree / "b/sub/deep") << "deep";
  auto lower = BuildLayer(tree, LayerOptions{});
  ASSERT_TRUE(lower.ok());
  fs::remove(tree / "a/x");
  fs::remove_all(tree / "b");
  fs::create_directories(tree / "b");
  std::ofstream(tree / "b/new") << "new";
  LayerChanges changes{.changed = {"b/new"}, .deleted = {"a/x"}, .opaque = {"b"}};
  auto upper = BuildLayer(tree, LayerOptions{}, &changes);
  ASSERT_TRUE(upper.ok()) << upper.status().ToString();

  ASSERT_TRUE(UnpackLayer(lower->gzip, root_).ok());
  ASSERT_TRUE(fs::exists(root_ / "a/x"));
  Status s = UnpackLayer(upper->gzip, root_);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(fs::exists(root_ / "a/x"));
  EXPECT_EQ(Read(root_ / "a/y"), "y");
  EXPECT_FALSE(fs::exists(root_ / "b/z"));
  EXPECT_FALSE(fs::exists(root_ / "b/sub"));
  EXPECT_EQ(Read(root_ / "b/new"), "new");
  EXPECT_FALSE(fs::exists(root_ / "b/.wh..wh..opq"));
  EXPECT_FALSE(fs::exists(root_ / "a/.wh.x"));
}

TEST_F(LayerUnpackTest, LaterEntriesReplaceEarlierOnesOfAnotherKind) {
  TarEntry dir;
  dir.name = "x/";
  dir.type = TarType::kDirectory;
  dir.mode = 0755;
  ASSERT_TRUE(UnpackLayer(Tar({File("x", "file first"), File("y/inner", "i")}), root_).ok());
  Status s = UnpackLayer(Tar({dir, File("y", "now a file")}), root_);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(fs::is_directory(root_ / "x"));
  EXPECT_EQ(Read(root_ / "y"), "now a file");
}

TEST_F(LayerUnpackTest, OpaqueWhiteoutKeepsEntriesOfItsOwnLayer) {
  ASSERT_TRUE(UnpackLayer(Tar({File("b/old", "lower")}), root_).ok());
  // "!" sorts before ".wh..wh..opq": this layer's entry arrives first and must survive.
  Status s = UnpackLayer(
      Tar({File("b/!early", "upper"), File("b/.wh..wh..opq", ""), File("b/late", "u")}), root_);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(fs::exists(root_ / "b/old"));
  EXPECT_EQ(Read(root_ / "b/!early"), "upper");
  EXPECT_EQ(Read(root_ / "b/late"), "u");
}

TEST_F(LayerUnpackTest, RejectsDotDot) {
  ExpectRejected({File("../outside/evil", "x")}, "../outside/evil", "\"..\"");
  ExpectRejected({File("ok/../../outside/evil", "x")}, "ok/../../outside/evil", "\"..\"");
}

TEST_F(LayerUnpackTest, RejectsAbsolutePaths) {
  std::string abs = (outside_ / "evil").string();
  ExpectRejected({File(abs, "x")}, abs, "absolute path");
}

TEST_F(LayerUnpackTest, RejectsEntriesThroughSymlinksLeadingOut) {
  ExpectRejected({Link("up", TarType::kSymlink, "../outside"), File("up/evil", "x")}, "up/evil",
                 "leads outside the root");
  fs::remove(root_ / "up");
  ExpectRejected({Link("abs", TarType::kSymlink, outside_.string()), File("abs/evil", "x")},
                 "abs/evil", "leads outside the root");
  fs::remove(root_ / "abs");
  // A chain: each link looks local, together they climb out.
  ExpectRejected({Link("d/l1", TarType::kSymlink, ".."), Link("l2", TarType::kSymlink, "d/l1/.."),
                  File("l2/outside/evil", "x")},
                 "l2/outside/evil", "leads outside the root");
}

TEST_F(LayerUnpackTest, FollowsSymlinksThatStayInside) {
  Status s = UnpackLayer(Tar({Link("lib", TarType::kSymlink, "usr/lib"), File("usr/lib/x.so", "so"),
                              File("lib/y.so", "y")}),
                         root_);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Read(root_ / "usr/lib/y.so"), "y");
  EXPECT_TRUE(fs::is_symlink(root_ / "lib"));
}

TEST_F(LayerUnpackTest, ReplacesASymlinkAtTheEntryNameInsteadOfFollowingIt) {
  std::ofstream(outside_ / "target") << "keep";
  Status s = UnpackLayer(
      Tar({Link("f", TarType::kSymlink, (outside_ / "target").string()), File("f", "new")}), root_);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Read(root_ / "f"), "new");
  EXPECT_EQ(Read(outside_ / "target"), "keep");
}

TEST_F(LayerUnpackTest, RejectsHardLinksToOutside) {
  std::ofstream(dir_->path() / "secret") << "s";
  ExpectRejected({Link("h", TarType::kHardLink, "../secret")}, "h", "\"..\"");
  ExpectRejected({Link("h", TarType::kHardLink, (dir_->path() / "secret").string())}, "h",
                 "absolute path");
  ExpectRejected({Link("up", TarType::kSymlink, ".."), Link("h", TarType::kHardLink, "up/secret")},
                 "h", "leads outside the root");
  ExpectRejected({Link("h2", TarType::kHardLink, "missing")}, "h2", "not an earlier file");
  EXPECT_FALSE(fs::exists(root_ / "h"));
}

TEST_F(LayerUnpackTest, RejectsDeviceNodesUnlessAllowed) {
  TarEntry dev;
  dev.name = "dev/null";
  dev.type = TarType::kCharDevice;
  dev.devmajor = 1;
  dev.devminor = 3;
  ExpectRejected({dev}, "dev/null", "device node");
  EXPECT_FALSE(fs::exists(root_ / "dev/null"));
}

TEST_F(LayerUnpackTest, RejectsWhiteoutsOfDotAndDotDot) {
  std::ofstream(root_ / "keep") << "k";
  ExpectRejected({File("sub/.wh...", "")}, "sub/.wh...", "whiteout must name one entry");
  ExpectRejected({File(".wh..", "")}, ".wh..", "whiteout must name one entry");
  EXPECT_TRUE(fs::exists(root_ / "keep"));
}

TEST_F(LayerUnpackTest, RejectionLeavesTheExistingEntryAtThatName) {
  std::ofstream(root_ / "h") << "lower";
  ExpectRejected({Link("h", TarType::kHardLink, "../secret")}, "h", "\"..\"");
  TarEntry dev;
  dev.name = "h";
  dev.type = TarType::kBlockDevice;
  ExpectRejected({dev}, "h", "device node");
  EXPECT_EQ(Read(root_ / "h"), "lower");
}

TEST_F(LayerUnpackTest, UpperLayerWritesIntoReadOnlyLowerDirectory) {
  TarEntry dir;
  dir.name = "ro/";
  dir.type = TarType::kDirectory;
  dir.mode = 0555;
  ASSERT_TRUE(UnpackLayer(Tar({dir, File("ro/a", "a")}), root_).ok());
  ASSERT_EQ(fs::status(root_ / "ro").permissions() & fs::perms::all, fs::perms(0555));
  Status s = UnpackLayer(Tar({File("ro/b", "b"), File("ro/.wh.a", "")}), root_);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Read(root_ / "ro/b"), "b");
  EXPECT_FALSE(fs::exists(root_ / "ro/a"));
  EXPECT_EQ(fs::status(root_ / "ro").permissions() & fs::perms::all, fs::perms(0555));
  fs::permissions(root_ / "ro", fs::perms(0755));
}

TEST_F(LayerUnpackTest, CorruptInputIsAnErrorNotACrash) {
  std::string tar = Tar({File("a", "hello")});
  tar[10] ^= 0x55;  // inside the name: the checksum no longer matches
  Status s = UnpackLayer(tar, root_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bad checksum"), std::string::npos) << s.message();
  std::string truncated = Tar({File("a", std::string(5000, 'a'))}).substr(0, 1024);
  s = UnpackLayer(truncated, root_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("truncated"), std::string::npos) << s.message();
  EXPECT_FALSE(UnpackLayer("\x1f\x8bnot really gzip", root_).ok());
}

}  // namespace
}  // namespace sluice::oci
