#include "common/files.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(FilesTest, AtomicWriteThenReadRoundTrips) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  auto path = dir->path() / "f.txt";
  ASSERT_TRUE(WriteFileAtomic(path, "hello", 0600).ok());
  auto text = ReadFile(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "hello");
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(FilesTest, ReadingAMissingFileNamesIt) {
  auto r = ReadFile("/nonexistent/x");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/x"), std::string::npos);
}

TEST(FilesTest, ReadingADirectoryIsAnError) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  auto r = ReadFile(dir->path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_EQ(r.status().message(), "cannot read " + dir->path().string() + ": is a directory");
}

TEST(FilesTest, TempDirIsRemovedWhenDestroyed) {
  std::filesystem::path p;
  {
    auto dir = TempDir::Create();
    ASSERT_TRUE(dir.ok());
    p = dir->path();
    EXPECT_TRUE(std::filesystem::is_directory(p));
  }
  EXPECT_FALSE(std::filesystem::exists(p));
}

}  // namespace
}  // namespace sluice
