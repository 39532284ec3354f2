#include "secrets/masker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace sluice::secrets {
namespace {

// The mask as a std::string, for concatenation in expectations.
std::string M() { return std::string(kMask); }

TEST(MaskerTest, MasksEveryOccurrenceOfAPlainValue) {
  Masker m;
  m.Add("hunter2-pw");
  EXPECT_EQ(m.Mask("login hunter2-pw ok; again:hunter2-pw"), "login " + M() + " ok; again:" + M());
  EXPECT_EQ(m.Mask("hunter2-pw"), M());
  EXPECT_EQ(m.Mask("nothing here"), "nothing here");
  EXPECT_FALSE(m.empty());
}

TEST(MaskerTest, MasksStandardAndUrlSafeBase64WithAndWithoutPadding) {
  Masker m;
  m.Add("ab>?~secret~?>");  // encodes with '+', '/' or '-', '_' and one '='
  EXPECT_EQ(m.Mask("std YWI+P35zZWNyZXR+Pz4= ."), "std " + M() + " .");
  EXPECT_EQ(m.Mask("std-nopad YWI+P35zZWNyZXR+Pz4 ."), "std-nopad " + M() + " .");
  EXPECT_EQ(m.Mask("url YWI-P35zZWNyZXR-Pz4= ."), "url " + M() + " .");
  EXPECT_EQ(m.Mask("url-nopad YWI-P35zZWNyZXR-Pz4 ."), "url-nopad " + M() + " .");
}

TEST(MaskerTest, MasksEachLineOfAMultiLineValue) {
  Masker m;
  m.Add("-----BEGIN KEY-----\r\nMIIEvQIBADANBg\r\n-----END KEY-----\r\n");
  EXPECT_EQ(m.Mask("MIIEvQIBADANBg"), M());
  EXPECT_EQ(m.Mask("line: -----END KEY-----"), "line: " + M());
  // Printed line by line, as a step log arrives.
  for (const char* line : {"-----BEGIN KEY-----", "MIIEvQIBADANBg", "-----END KEY-----"}) {
    EXPECT_EQ(m.Mask(line), M()) << line;
  }
}

TEST(MaskerTest, MasksTheJsonEscapedFormInsideADocument) {
  Masker m;
  const std::string value = "p\"ass\nw0rd!";
  m.Add(value);
  nlohmann::json doc = {{"user", "bob"}, {"token", value}};
  const std::string text = doc.dump();
  ASSERT_NE(text.find("p\\\"ass\\nw0rd!"), std::string::npos);  // the escaped form is there
  EXPECT_EQ(m.Mask(text), "{\"token\":\"" + M() + "\",\"user\":\"bob\"}");
}

TEST(MaskerTest, MasksTheAsciiEscapedJsonForm) {
  Masker m;
  m.Add("caf\xC3\xA9-secret");
  EXPECT_EQ(m.Mask("{\"k\":\"caf\\u00e9-secret\"}"), "{\"k\":\"" + M() + "\"}");
}

TEST(MaskerTest, OverlappingSecretsLeaveNoPartVisible) {
  Masker m;
  m.Add("abcdef12");
  m.Add("ef12ghij");
  EXPECT_EQ(m.Mask("xx abcdef12ghij yy"), "xx " + M() + " yy");
}

TEST(MaskerTest, LongerFormWinsOverItsPrefix) {
  Masker m;
  m.Add("tokn");
  m.Add("tokn-and-more");
  EXPECT_EQ(m.Mask("<tokn-and-more>"), "<" + M() + ">");
  EXPECT_EQ(m.Mask("<tokn>"), "<" + M() + ">");
}

TEST(MaskerTest, AdjacentSecretsAtTheEdgesOfTheText) {
  Masker m;
  m.Add("aaaa1");
  m.Add("bbbb2");
  EXPECT_EQ(m.Mask("aaaa1bbbb2"), M() + M());
  EXPECT_EQ(m.Mask("aaaa1 x bbbb2"), M() + " x " + M());
}

TEST(MaskerTest, ShortValuesAreCountedNotMasked) {
  Masker m;
  m.Add("abc");
  m.Add("1");
  m.Add("1");     // the same value again is not counted twice
  m.Add("  x ");  // short once whitespace is ignored
  m.Add("");
  EXPECT_EQ(m.weak_value_count(), 3u);
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.Mask("abc 1 x 111"), "abc 1 x 111");
}

TEST(MaskerTest, ShortLinesOfALongValueAreSkipped) {
  Masker m;
  m.Add("longline-1\nab\n}");
  EXPECT_EQ(m.Mask("ab } longline-1"), "ab } " + M());
  EXPECT_EQ(m.weak_value_count(), 0u);
}

TEST(MaskerTest, QuotedAndPaddedValuesAlsoMaskTheirCore) {
  Masker m;
  m.Add("'s3cr3t-val'");
  m.Add("tok-123\n");
  EXPECT_EQ(m.Mask("echo s3cr3t-val"), "echo " + M());
  EXPECT_EQ(m.Mask("got tok-123."), "got " + M() + ".");
}

TEST(MaskerTest, EmptyMaskerReturnsTextUnchanged) {
  Masker m;
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.Mask("anything at all"), "anything at all");
  EXPECT_EQ(m.Mask(""), "");
}

TEST(MaskerTest, ConcurrentAddAndMaskAreSafe) {
  Masker m;
  m.Add("shared-secret-0");
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m, &failures, t] {
      for (int i = 0; i < 100; ++i) {
        const std::string mine = "thread" + std::to_string(t) + "-secret-" + std::to_string(i);
        m.Add(mine);
        if (m.Mask("a " + mine + " b shared-secret-0") != "a " + M() + " b " + M()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

// A megabyte line with fifty secrets (its speed is a benchmark matter, not asserted here).
TEST(MaskerTest, MasksAMegabyteLineWithFiftySecrets) {
  Masker m;
  std::vector<std::string> secrets;
  for (int i = 0; i < 50; ++i) {
    secrets.push_back("sk_live_" + std::to_string(i * 7919) + "_Zq" + std::to_string(i));
    m.Add(secrets.back());
  }
  std::string line;
  line.reserve(1 << 20);
  for (int i = 0; line.size() < (1 << 20); ++i) {
    line += "step output row " + std::to_string(i) + " value=";
    if (i % 1000 == 0) line += secrets[static_cast<size_t>(i / 1000) % secrets.size()];
    line += " ";
  }
  m.Mask("warm up");  // builds the index
  std::string masked = m.Mask(line);
  for (const auto& s : secrets) EXPECT_EQ(masked.find(s), std::string::npos);
  EXPECT_NE(masked.find(M()), std::string::npos);
}

}  // namespace
}  // namespace sluice::secrets
