#include "common/glob.h"

#include <gtest/gtest.h>

#include "common/files.h"

namespace sluice {
namespace {

TEST(GlobTest, MatchesWithinAndAcrossSegments) {
  EXPECT_TRUE(GlobMatch("*.xml", "report.xml"));
  EXPECT_FALSE(GlobMatch("*.xml", "dir/report.xml"));
  EXPECT_TRUE(GlobMatch("**/*.xml", "report.xml"));
  EXPECT_TRUE(GlobMatch("**/*.xml", "a/b/report.xml"));
  EXPECT_TRUE(GlobMatch("reports/**/TEST-*.xml", "reports/x/TEST-a.xml"));
  EXPECT_FALSE(GlobMatch("reports/**/TEST-*.xml", "other/TEST-a.xml"));
  EXPECT_TRUE(GlobMatch("a/?.txt", "a/b.txt"));
  EXPECT_FALSE(GlobMatch("*", ".hidden"));
}

TEST(GlobTest, FindFilesRelativeAndAbsolute) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(MakeDirs(dir->path() / "r/s").ok());
  ASSERT_TRUE(WriteFileAtomic(dir->path() / "r/a.xml", "x").ok());
  ASSERT_TRUE(WriteFileAtomic(dir->path() / "r/s/b.xml", "x").ok());
  ASSERT_TRUE(WriteFileAtomic(dir->path() / "r/s/c.txt", "x").ok());
  auto found = FindFiles(dir->path(), "r/**/*.xml");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].filename(), "a.xml");
  EXPECT_EQ(FindFiles(dir->path(), (dir->path() / "r/*.xml").string()).size(), 1u);
}

}  // namespace
}  // namespace sluice
