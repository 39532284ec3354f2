#include "policy/jose.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

namespace sluice::policy::jose {
namespace {

TEST(JoseTest, Base64UrlDecodePadsAndNamesTheBadByte) {
  EXPECT_EQ(*Base64UrlDecode("eyJhIjoxfQ"), R"({"a":1})");
  EXPECT_EQ(*Base64UrlDecode("_-8"), "\xff\xef");
  EXPECT_EQ(Base64UrlDecode("eyJhbGciOiJIU^%zI1N").status().message(), "illegal base64 data at input byte 13");
  EXPECT_EQ(Base64UrlDecode("abcde").status().message(), "illegal base64url string: abcde");
  EXPECT_FALSE(Base64UrlDecode("ab=c").ok());
}

TEST(JoseTest, Base64StdNeedsPaddingAndSkipsNewlines) {
  EXPECT_EQ(*Base64Decode("Zm9v\r\nYmFy"), "foobar");
  EXPECT_EQ(*Base64Decode("Zm8="), "fo");
  EXPECT_EQ(Base64Decode("foobar").status().message(), "illegal base64 data at input byte 4");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64UrlEncode("\xff\xef"), "_-8");
}

TEST(JoseTest, DecodePemFindsTypeBytesAndRest) {
  PemBlock block;
  std::string_view rest;
  ASSERT_TRUE(DecodePem("junk\n-----BEGIN THING-----\nZm9v\nYmFy\n-----END THING-----\nmore", block, rest));
  EXPECT_EQ(block.type, "THING");
  EXPECT_EQ(block.bytes, "foobar");
  EXPECT_EQ(rest, "more");
  EXPECT_FALSE(DecodePem("-----BEGIN THING-----\nZm9v\n-----END OTHER-----\n", block, rest));
}

// RFC 7515 appendix A.1: HS256 with an "oct" JWK.
TEST(JoseTest, HmacJwkSignsTheRfcExample) {
  auto keys = ParseJwks(
      R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})");
  ASSERT_TRUE(keys.ok());
  std::string input =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
  auto sig = Sign(keys->front(), "HS256", input);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(Base64UrlEncode(*sig), "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  EXPECT_TRUE(Verify(keys->front(), "HS256", input, *sig));
  EXPECT_FALSE(Verify(keys->front(), "HS384", input, *sig));
  EXPECT_FALSE(Verify(keys->front(), "RS256", input, *sig));
}

TEST(JoseTest, AsymmetricSignaturesVerifyAndRejectTampering) {
  struct Case {
    const char* alg;
    EVP_PKEY* key;
  };
  Case cases[] = {{"RS256", EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})},
                  {"PS384", EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})},
                  {"ES256", EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")},
                  {"ES512", EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521")},
                  {"EdDSA", EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")}};
  for (const Case& c : cases) {
    ASSERT_NE(c.key, nullptr) << c.alg;
    Key key;
    key.pkey.reset(c.key, EVP_PKEY_free);
    auto sig = Sign(key, c.alg, "header.payload");
    ASSERT_TRUE(sig.ok()) << c.alg;
    EXPECT_TRUE(Verify(key, c.alg, "header.payload", *sig)) << c.alg;
    EXPECT_FALSE(Verify(key, c.alg, "header.payloaD", *sig)) << c.alg;
    EXPECT_FALSE(Verify(key, "HS256", "header.payload", *sig)) << c.alg;
  }
  EXPECT_EQ(Sign(Key{}, "XY256", "x").status().message(), "unknown JWS algorithm: XY256");
}

TEST(JoseTest, JwkSetSkipsUnknownAlgorithmsAndKeepsKid) {
  auto keys = KeysFromCertOrJwk(
      R"({"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"a","alg":"HS256"},{"kty":"oct","k":"eA","alg":"none"}]})");
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ(keys->front().kid, "a");
  EXPECT_EQ(keys->front().secret, "secret");
  EXPECT_EQ(KeysFromCertOrJwk("-----BEGIN FOO-----\nZm9v\n-----END FOO-----\n").status().message(),
            "failed to extract a Key from the PEM certificate");
  EXPECT_TRUE(KeysFromCertOrJwk("nope").status().message().starts_with("failed to parse a JWK key (set): "));
}

}  // namespace
}  // namespace sluice::policy::jose
