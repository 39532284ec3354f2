#include "oci/gzip.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/files.h"
#include "oci/test_tools.h"

namespace sluice::oci {
namespace {
using testing::RunRequiredTool;

// Bytes that compress somewhat, like a binary: a repeating text with a
// counter mixed in.
std::string SampleData(size_t size) {
  std::string data;
  data.reserve(size);
  uint32_t x = 12345;
  while (data.size() < size) {
    x = x * 1103515245u + 12345u;
    data += "layer bytes " + std::to_string(x >> 20) + "\n";
  }
  data.resize(size);
  return data;
}

TEST(GzipTest, LargeInputIsDeterministicAndReadBackByGnuGzip) {
  // Three and a half chunks: four members.
  std::string data = SampleData(kGzipChunkSize * 7 / 2);
  auto one = Gzip(data);
  auto two = Gzip(data);
  ASSERT_TRUE(one.ok()) << one.status().message();
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*one, *two);
  EXPECT_LT(one->size(), data.size() / 2);
  auto back = Gunzip(*one);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(*back == data);

  // GNU gzip, an independent reader, sees the same bytes.
  auto dir = TempDir::Create("sluice-gzip-test-");
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(WriteFileAtomic(dir->path() / "layer.gz", *one).ok());
  auto run = RunRequiredTool({"gzip", "-t", (dir->path() / "layer.gz").string()}, "gzip");
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(run->exit_code, 0) << run->output;
  run = RunRequiredTool({"gzip", "-d", "-k", (dir->path() / "layer.gz").string()}, "gzip");
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->exit_code, 0) << run->output;
  auto plain = ReadFile(dir->path() / "layer");
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(*plain == data);
}

TEST(GzipTest, OnMemberReceivesEveryMemberOnceInOrder) {
  // Five and a bit chunks: six members, compressed on several threads.
  std::string data = SampleData(kGzipChunkSize * 5 + 4321);
  std::vector<std::string> members;
  auto gz = Gzip(data, [&](std::string_view member) { members.emplace_back(member); });
  ASSERT_TRUE(gz.ok()) << gz.status().message();
  ASSERT_EQ(members.size(), 6u);
  std::string joined;
  for (size_t i = 0; i < members.size(); ++i) {
    // Each member is the gzip of its own chunk: the order is the data's.
    auto chunk = Gunzip(members[i]);
    ASSERT_TRUE(chunk.ok()) << "member " << i << ": " << chunk.status().message();
    EXPECT_TRUE(*chunk == data.substr(i * kGzipChunkSize, kGzipChunkSize)) << "member " << i;
    joined += members[i];
  }
  EXPECT_TRUE(joined == *gz);
  EXPECT_TRUE(*gz == *Gzip(data));  // the callback does not change the result

  std::vector<std::string> empty_members;
  auto empty = Gzip("", [&](std::string_view member) { empty_members.emplace_back(member); });
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty_members, std::vector<std::string>{*empty});  // one member, even for no bytes
}

TEST(GzipTest, ReadsMembersWrittenByGnuGzip) {
  auto dir = TempDir::Create("sluice-gzip-test-");
  ASSERT_TRUE(dir.ok());
  std::string first = SampleData(300000), second = "second member\n";
  ASSERT_TRUE(WriteFileAtomic(dir->path() / "a", first).ok());
  ASSERT_TRUE(WriteFileAtomic(dir->path() / "b", second).ok());
  for (const char* name : {"a", "b"}) {
    auto run = RunRequiredTool({"gzip", "-9", (dir->path() / name).string()}, "gzip");
    ASSERT_TRUE(run.ok()) << run.status().message();
    ASSERT_EQ(run->exit_code, 0) << run->output;
  }
  auto a = ReadFile(dir->path() / "a.gz");
  auto b = ReadFile(dir->path() / "b.gz");
  ASSERT_TRUE(a.ok() && b.ok());
  auto back = Gunzip(*a + *b);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(*back == first + second);
}

TEST(GzipTest, EmptyInputRoundTrips) {
  auto gz = Gzip("");
  ASSERT_TRUE(gz.ok());
  EXPECT_TRUE(IsGzip(*gz));
  auto back = Gunzip(*gz);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, "");
}

TEST(GzipTest, RejectsCorruptDataAndTrailingGarbage) {
  std::string data = SampleData(kGzipChunkSize + 1000);
  auto gz = Gzip(data);
  ASSERT_TRUE(gz.ok());

  auto garbage = Gunzip(*gz + "junk");
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.status().message().find("garbage after the last member"), std::string::npos)
      << garbage.status().message();

  std::string corrupt = *gz;
  corrupt[corrupt.size() - 6] ^= 0x55;  // the last member's CRC-32
  auto bad = Gunzip(corrupt);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("not valid gzip"), std::string::npos);

  auto plain = Gunzip(data);
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::oci
