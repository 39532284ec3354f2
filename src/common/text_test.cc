#include "common/text.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(AbbreviateTest, ShortTextIsUnchanged) {
  EXPECT_EQ(Abbreviate("abc", 3), "abc");
  EXPECT_EQ(Abbreviate("", 0), "");
}

TEST(AbbreviateTest, LongTextIsCutWithItsSizeAndNote) {
  EXPECT_EQ(Abbreviate("abcdef", 4), "abcd… (6 bytes)");
  EXPECT_EQ(Abbreviate("abcdef", 2, "; see the log"), "ab… (6 bytes; see the log)");
}

TEST(AbbreviateTest, NeverCutsAUtf8Sequence) {
  // "é" is two bytes: cutting after 2 bytes would split it.
  EXPECT_EQ(Abbreviate("aé b", 2), "a… (5 bytes)");
}

}  // namespace
}  // namespace sluice
