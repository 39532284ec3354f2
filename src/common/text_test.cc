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

TEST(TextTest, PercentDecodeReplacesEscapesAndKeepsStrayPercents) {
  EXPECT_EQ(PercentDecode("%41%62%e2%82%ac"), "Ab\u20ac");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
}

}  // namespace
TEST(ToValidUtf8Test, KeepsUtf8AndReplacesEveryInvalidByte) {
  EXPECT_EQ(ToValidUtf8("plain/ascii"), "plain/ascii");
  EXPECT_EQ(ToValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(ToValidUtf8("caf\xE9"), "caf\xEF\xBF\xBD");            // Latin-1
  EXPECT_EQ(ToValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(ToValidUtf8("\xED\xA0\x80"),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");               // a surrogate
  EXPECT_EQ(ToValidUtf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // cut short
  EXPECT_EQ(ToValidUtf8(std::string("a\0b", 3)), std::string("a\0b", 3));
}

TEST(TrimAsciiSpaceTest, TrimsBothEnds) {
  EXPECT_EQ(TrimAsciiSpace(" \t a b\r\n"), "a b");
  EXPECT_EQ(TrimAsciiSpace(" \n "), "");
  EXPECT_EQ(TrimAsciiSpace("x"), "x");
}

TEST(AsciiEqualsIgnoreCaseTest, ComparesAsciiLettersWithoutCase) {
  EXPECT_TRUE(AsciiEqualsIgnoreCase("Content-Length", "content-LENGTH"));
  EXPECT_FALSE(AsciiEqualsIgnoreCase("Content-Length", "content-length "));
  EXPECT_FALSE(AsciiEqualsIgnoreCase("\xC3\x84", "\xC3\xA4"));  // only ASCII folds
  EXPECT_TRUE(AsciiEqualsIgnoreCase("", ""));
}

TEST(IsCredentialHeaderTest, NamesSignaturesTokensAndCookiesInAnyCase) {
  for (const char* name : {"X-Hub-Signature", "x-hub-signature-256", "Authorization", "COOKIE",
                           "Proxy-Authorization", "X-Api-Key", "X-Gitlab-Token"}) {
    EXPECT_TRUE(IsCredentialHeader(name)) << name;
  }
  for (const char* name : {"X-GitHub-Event", "X-GitHub-Delivery", "Content-Type", "X-Hub"}) {
    EXPECT_FALSE(IsCredentialHeader(name)) << name;
  }
}

TEST(AsciiLowerTest, LowersOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("Urgency=HIGH \xC3\x84"), "urgency=high \xC3\x84");
}

TEST(WithoutScopeTest, DropsOneAccountOrOrgPrefix) {
  EXPECT_EQ(WithoutScope("account.aws"), "aws");
  EXPECT_EQ(WithoutScope("org.aws"), "aws");
  EXPECT_EQ(WithoutScope("aws"), "aws");
  EXPECT_EQ(WithoutScope("org.account.aws"), "account.aws");
  EXPECT_EQ(WithoutScope("accountaws"), "accountaws");
  EXPECT_EQ(WithoutScope("account."), "");
}

}  // namespace sluice
