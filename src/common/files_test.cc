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
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_EQ(r.status().message(), "cannot read /nonexistent/x: No such file or directory");
}

TEST(FilesTest, ReadsEmptyAndLargeFilesWhole) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  std::string large;
  for (int i = 0; large.size() < 300000; ++i) large += std::to_string(i) + ",";
  ASSERT_TRUE(WriteFileAtomic(dir->path() / "large", large).ok());
  ASSERT_TRUE(WriteFileAtomic(dir->path() / "empty", "").ok());
  auto read_large = ReadFile(dir->path() / "large");
  ASSERT_TRUE(read_large.ok()) << read_large.status().message();
  EXPECT_TRUE(*read_large == large);
  auto read_empty = ReadFile(dir->path() / "empty");
  ASSERT_TRUE(read_empty.ok()) << read_empty.status().message();
  EXPECT_EQ(*read_empty, "");
}

TEST(FilesTest, ReadsAProcFileThatReportsNoSize) {
  struct stat st;
  ASSERT_EQ(stat("/proc/self/status", &st), 0);
  ASSERT_EQ(st.st_size, 0);  // what the test is about
  auto text = ReadFile("/proc/self/status");
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_FALSE(text->empty());
  EXPECT_NE(text->find("Name:"), std::string::npos) << *text;
  EXPECT_EQ(text->back(), '\n');
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
