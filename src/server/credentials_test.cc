// Random credentials (credentials.h): shapes, uniqueness and digests.
#include "server/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace sluice::server {
namespace {

using ::testing::MatchesRegex;

TEST(CredentialsTest, TokensAreRecognisableAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string token = NewTokenValue();
    EXPECT_THAT(token, MatchesRegex("sluice_[A-Za-z0-9_-]{43}"));
    EXPECT_TRUE(LooksLikeToken(token));
    EXPECT_TRUE(seen.insert(token).second);
  }
  EXPECT_FALSE(LooksLikeToken("sluice_short"));
  EXPECT_FALSE(LooksLikeToken("other_" + std::string(44, 'a')));
  EXPECT_FALSE(LooksLikeToken("sluice_" + std::string(42, 'a') + "/"));
}

TEST(CredentialsTest, IdsSessionsAndCsrfTokensHaveTheirShapes) {
  EXPECT_THAT(NewTokenId(), MatchesRegex("tok_[0-9a-f]{12}"));
  EXPECT_THAT(NewSessionId(), MatchesRegex("[A-Za-z0-9_-]{43}"));
  EXPECT_THAT(NewCsrfToken(), MatchesRegex("[A-Za-z0-9_-]{43}"));
  EXPECT_NE(NewSessionId(), NewSessionId());
}

TEST(CredentialsTest, DigestIsTheHexSha256) {
  EXPECT_EQ(SecretDigest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CredentialsTest, ConstantTimeEqualsComparesWholeValues) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

}  // namespace
}  // namespace sluice::server
