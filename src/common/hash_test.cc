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
