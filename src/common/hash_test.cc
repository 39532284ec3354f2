#include "common/hash.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace sluice {
namespace {

TEST(HashTest, Sha256OfKnownInputs) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HashTest, HmacSha256MatchesPublishedVectors) {
  // RFC 4231, test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // GitHub's example for validating webhook deliveries.
  EXPECT_EQ(HmacSha256Hex("It's a Secret to Everybody", "Hello, World!"),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
}

TEST(HashTest, HasherOverPiecesEqualsTheWhole) {
  std::string whole;
  Sha256Hasher hasher;
  for (int i = 0; i < 100; ++i) {
    std::string piece(static_cast<size_t>(i * 13), static_cast<char>('a' + i % 26));
    whole += piece;
    hasher.Update(piece);  // some pieces are empty
  }
  EXPECT_EQ(hasher.FinishHex(), Sha256Hex(whole));
}

TEST(HashTest, FinishHexStartsTheHasherOver) {
  Sha256Hasher hasher;
  hasher.Update("first ");
  hasher.Update("use");
  EXPECT_EQ(hasher.FinishHex(), Sha256Hex("first use"));
  hasher.Update("ab");
  hasher.Update("c");
  EXPECT_EQ(hasher.FinishHex(), Sha256Hex("abc"));
  EXPECT_EQ(hasher.FinishHex(), Sha256Hex(""));
  Sha256Hasher moved = std::move(hasher);
  moved.Update("abc");
  EXPECT_EQ(moved.FinishHex(), Sha256Hex("abc"));
}

}  // namespace
}  // namespace sluice
