// Password hashing (password.h): Argon2id strings, verification, the
// rehash check and the rules for new passwords.
#include "server/password.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

namespace sluice::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(PasswordTest, HashesWithArgon2idAndASaltOfItsOwn) {
  auto a = HashPassword("correct horse");
  auto b = HashPassword("correct horse");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_THAT(*a, StartsWith("$argon2id$"));
  EXPECT_THAT(*a, Not(HasSubstr("correct horse")));
  EXPECT_NE(*a, *b);  // random salt
}

TEST(PasswordTest, VerifiesOnlyTheRightPassword) {
  auto hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horsf"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
  EXPECT_FALSE(VerifyPassword("", "correct horse"));
  EXPECT_FALSE(VerifyPassword("not a hash", "correct horse"));
}

TEST(PasswordTest, FreshHashesNeedNoRehashButWeakerOnesDo) {
  auto hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok());
  EXPECT_FALSE(PasswordNeedsRehash(*hash));
  ASSERT_GE(sodium_init(), 0);
  char weak[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_str_alg(weak, "pw", 2, crypto_pwhash_OPSLIMIT_MIN,
                                  crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13),
            0);
  EXPECT_TRUE(PasswordNeedsRehash(weak));
  EXPECT_TRUE(VerifyPassword(weak, "pw"));
  EXPECT_TRUE(PasswordNeedsRehash("garbage"));
}

TEST(PasswordTest, NewPasswordsNeedEightToTenTwentyFourBytes) {
  EXPECT_TRUE(CheckNewPassword("12345678").ok());
  Status short_one = CheckNewPassword("1234567");
  EXPECT_EQ(short_one.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(short_one.message(), "the password is too short: use at least 8 characters");
  EXPECT_FALSE(CheckNewPassword(std::string(1025, 'x')).ok());
  EXPECT_TRUE(CheckNewPassword(std::string(1024, 'x')).ok());
}

}  // namespace
}  // namespace sluice::server
