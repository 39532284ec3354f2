#include "runner/line_buffer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/test_util.h"

namespace sluice::runner {
namespace {

using ::testing::ElementsAre;

TEST(LineBufferTest, DeliversCompleteLinesAcrossChunks) {
  RecordingSink sink;
  LineBuffer buf(StreamKind::kStdout, sink);
  buf.Append("he");
  buf.Append("llo\nwor");
  EXPECT_THAT(sink.Stdout(), ElementsAre("hello"));
  buf.Append("ld\n\nlast");
  EXPECT_THAT(sink.Stdout(), ElementsAre("hello", "world", ""));
  buf.Flush();
  EXPECT_THAT(sink.Stdout(), ElementsAre("hello", "world", "", "last"));
  buf.Flush();  // nothing pending: no empty line
  EXPECT_EQ(sink.lines.size(), 4u);
}

TEST(LineBufferTest, SplitsVeryLongLines) {
  RecordingSink sink;
  LineBuffer buf(StreamKind::kStderr, sink);
  std::string big(LineBuffer::kMaxLineBytes * 2 + 10, 'x');
  buf.Append(big.substr(0, 100));
  buf.Append(big.substr(100));
  buf.Append("\n");
  std::vector<std::string> lines = sink.Stderr();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].size(), LineBuffer::kMaxLineBytes);
  EXPECT_EQ(lines[1].size(), LineBuffer::kMaxLineBytes);
  EXPECT_EQ(lines[2], "xxxxxxxxxx");
}

TEST(LineBufferTest, LineOfExactlyMaxSizeIsOneLine) {
  RecordingSink sink;
  LineBuffer buf(StreamKind::kStdout, sink);
  buf.Append(std::string(LineBuffer::kMaxLineBytes, 'y') + "\nz\n");
  std::vector<std::string> lines = sink.Stdout();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].size(), LineBuffer::kMaxLineBytes);
  EXPECT_EQ(lines[1], "z");
}

}  // namespace
}  // namespace sluice::runner
