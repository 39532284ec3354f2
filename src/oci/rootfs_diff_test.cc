#include "oci/rootfs_diff.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>

#include "common/files.h"
#include "oci/builder_test_util.h"

namespace sluice::oci {
namespace {
namespace fs = std::filesystem;

using Paths = std::vector<std::string>;

TEST(RootfsDiffTest, SnapshotsDiffIntoChangedAndTopmostDeletedPaths) {
  auto dir = TempDir::Create("rootfs-diff-test-");
  ASSERT_TRUE(dir.ok());
  fs::path root = dir->path();
  testing::Write(root / "keep", "k");
  testing::Write(root / "edit", "1");
  testing::Write(root / "gone/a/b", "b");
  testing::Write(root / "gone-too", "g");
  testing::Write(root / "proc/ignored", "i");
  auto before = TakeSnapshot(root, {"proc"});
  ASSERT_TRUE(before.ok()) << before.status().message();
  EXPECT_EQ(before->count("proc/ignored"), 0u);
  // Same size and mtime, other content: the hash tells.
  auto mtime = fs::last_write_time(root / "edit");
  testing::Write(root / "edit", "2");
  fs::last_write_time(root / "edit", mtime);
  fs::remove_all(root / "gone");
  fs::remove(root / "gone-too");
  testing::Write(root / "added", "n");
  fs::permissions(root / "keep", fs::perms(0600));
  auto after = TakeSnapshot(root, {"proc"});
  ASSERT_TRUE(after.ok());
  LayerChanges changes = DiffSnapshots(*before, *after);
  std::sort(changes.changed.begin(), changes.changed.end());
  EXPECT_EQ(changes.changed, (Paths{"added", "edit", "keep"}));
  EXPECT_EQ(changes.deleted, (Paths{"gone", "gone-too"}));
}

TEST(RootfsDiffTest, OverlayUpperWhiteoutsAndOpaqueDirs) {
  if (::geteuid() != 0) GTEST_SKIP() << "whiteout devices and trusted xattrs need root";
  auto dir = TempDir::Create("rootfs-diff-test-");
  ASSERT_TRUE(dir.ok());
  fs::path upper = dir->path();
  testing::Write(upper / "etc/new", "n");
  ASSERT_EQ(::mknod((upper / "etc/old").c_str(), S_IFCHR | 0000, makedev(0, 0)), 0);
  fs::create_directories(upper / "var/replaced");
  testing::Write(upper / "var/replaced/f", "f");
  ASSERT_EQ(::setxattr((upper / "var/replaced").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
  fs::create_directories(upper / "dev");
  auto changes = ChangesFromOverlayUpper(upper, {"dev"});
  ASSERT_TRUE(changes.ok()) << changes.status().message();
  std::sort(changes->changed.begin(), changes->changed.end());
  EXPECT_EQ(changes->changed, (Paths{"etc", "etc/new", "var", "var/replaced/f"}));
  EXPECT_EQ(changes->deleted, (Paths{"etc/old"}));
  EXPECT_EQ(changes->opaque, (Paths{"var/replaced"}));
}

}  // namespace
}  // namespace sluice::oci
