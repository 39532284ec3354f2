#include "runner/output_capture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::runner {
namespace {

TEST(OutputCaptureTest, Base64Decode) {
  EXPECT_EQ(Base64Decode(""), "");
  EXPECT_EQ(Base64Decode("YQ=="), "a");
  EXPECT_EQ(Base64Decode("YWI="), "ab");
  EXPECT_EQ(Base64Decode("YWJj"), "abc");
  EXPECT_EQ(Base64Decode("YWJj"), "abc");
  EXPECT_EQ(Base64Decode("YQ"), "a");  // padding optional
  EXPECT_EQ(Base64Decode("bGluZTEKbGluZTI="), "line1\nline2");
  EXPECT_EQ(Base64Decode("not base64!"), std::nullopt);
  EXPECT_EQ(Base64Decode("Y"), std::nullopt);
}

TEST(OutputCaptureTest, ParseDotenv) {
  auto m = ParseDotenv(
      "A=1\n"
      "# comment\n"
      "\n"
      "export B = two\r\n"
      "C=\"quoted value\"\n"
      "D='x=y'\n"
      "E=\n"
      "noequals\n"
      "A=3");
  EXPECT_EQ(m.size(), 5u);
  EXPECT_EQ(m["A"], "3");
  EXPECT_EQ(m["B"], "two");
  EXPECT_EQ(m["C"], "quoted value");
  EXPECT_EQ(m["D"], "x=y");
  EXPECT_EQ(m["E"], "");
}

TEST(OutputCaptureTest, ParseCaptureFileSkipsMalformedLines) {
  auto m = ParseCaptureFile("X=YQ==\nY=%%%\nZ=\n=YQ==\n");
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m["X"], "a");
  EXPECT_EQ(m["Z"], "");
}

TEST(OutputCaptureTest, ShellVariableNames) {
  EXPECT_TRUE(IsShellVariableName("X"));
  EXPECT_TRUE(IsShellVariableName("_a1"));
  EXPECT_FALSE(IsShellVariableName(""));
  EXPECT_FALSE(IsShellVariableName("1a"));
  EXPECT_FALSE(IsShellVariableName("a-b"));
  EXPECT_FALSE(IsShellVariableName("a b"));
}

TEST(OutputCaptureTest, CaptureLinesQuoteTheFilePath) {
  std::string text = CaptureLines({"X"}, "/tmp/it's here/out");
  EXPECT_NE(text.find("'/tmp/it'\\''s here/out'"), std::string::npos) << text;
  EXPECT_NE(text.find("${X+x}"), std::string::npos);
  EXPECT_NE(text.find("exit $__sluice_status"), std::string::npos);
}

}  // namespace
}  // namespace sluice::runner
