#include "runner/overlay.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/files.h"

namespace sluice::runner {
namespace {

namespace fs = std::filesystem;

TEST(OverlayMountTest, ChangesLandInUpperAndDeletionsBecomeWhiteouts) {
  if (!OverlayAvailable()) GTEST_SKIP() << "overlay mounts need root (CAP_SYS_ADMIN)";
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  const fs::path& d = dir->path();
  ASSERT_TRUE(MakeDirs(d / "lower/etc").ok());
  ASSERT_TRUE(WriteFileAtomic(d / "lower/etc/motd", "hello\n").ok());
  {
    auto mount = OverlayMount::Create({d / "lower"}, d / "upper", d / "work", d / "merged");
    ASSERT_TRUE(mount.ok()) << mount.status().ToString();
    EXPECT_TRUE(fs::exists(d / "merged/etc/motd"));
    fs::remove(d / "merged/etc/motd");
    ASSERT_TRUE(WriteFileAtomic(d / "merged/new", "x").ok());
  }  // unmounted here
  EXPECT_FALSE(fs::exists(d / "merged/new"));
  EXPECT_TRUE(fs::exists(d / "lower/etc/motd")) << "the lower dir is never changed";
  EXPECT_TRUE(fs::exists(d / "upper/new"));
  struct stat st;
  ASSERT_EQ(::lstat((d / "upper/etc/motd").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_rdev, 0u);
}

TEST(OverlayMountTest, MissingLowerIsAnErrorWithTheReason) {
  if (!OverlayAvailable()) GTEST_SKIP() << "overlay mounts need root (CAP_SYS_ADMIN)";
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  const fs::path& d = dir->path();
  auto mount = OverlayMount::Create({d / "absent"}, d / "upper", d / "work", d / "merged");
  ASSERT_FALSE(mount.ok());
  EXPECT_NE(mount.status().message().find("cannot mount an overlay"), std::string::npos);
}

}  // namespace
}  // namespace sluice::runner
