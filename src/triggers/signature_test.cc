#include "triggers/signature.h"

#include <gtest/gtest.h>

#include "common/hash.h"
#include "triggers/trigger_test_util.h"

namespace sluice::triggers {
namespace {

// GitHub's documented example ("Validating webhook deliveries").
constexpr char kSecret[] = "It's a Secret to Everybody";
constexpr char kBody[] = "Hello, World!";
constexpr char kSignature[] =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

TEST(SignatureTest, ComputesGithubsSignature) {
  EXPECT_EQ(GithubSignatureHeader(kSecret, kBody), kSignature);
}

TEST(SignatureTest, GoodSignatureVerifiesInEitherCase) {
  std::string good = kSignature;
  EXPECT_TRUE(VerifyGithubSignature(&good, kBody, kSecret).ok());
  std::string upper = "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17";
  EXPECT_TRUE(VerifyGithubSignature(&upper, kBody, kSecret).ok());
}

TEST(SignatureTest, MissingMalformedAndWrongAreDistinct) {
  Status missing = VerifyGithubSignature(nullptr, kBody, kSecret);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(SignatureStatusName(missing, true), "missing");

  for (std::string bad : {std::string("sha1=abc"), std::string("sha256=xyz"),
                          std::string("sha256=") + std::string(63, 'a'), std::string("")}) {
    Status s = VerifyGithubSignature(&bad, kBody, kSecret);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(SignatureStatusName(s, true), "malformed");
  }

  std::string wrong = GithubSignatureHeader("another secret", kBody);
  Status s = VerifyGithubSignature(&wrong, kBody, kSecret);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(SignatureStatusName(s, true), "invalid");
  EXPECT_EQ(s.message().find(kSecret), std::string::npos);
  EXPECT_EQ(s.message().find(HmacSha256Hex(kSecret, kBody)), std::string::npos);

  std::string tampered = kSignature;
  EXPECT_EQ(VerifyGithubSignature(&tampered, "Hello, World?", kSecret).code(),
            StatusCode::kPermissionDenied);
}

TEST(SignatureTest, TriggerSecretComesFromTheSecretStore) {
  std::string yaml = testing::GithubTrigger("Push");
  yaml.insert(yaml.find("  source:"), "  encryptedWebhookSecretIdentifier: github_hook\n");
  Trigger t = testing::MustParse(yaml);
  EXPECT_EQ(t.webhook_secret, "github_hook");
  const std::string body = testing::kPushPayload;
  auto event = ParseGithubEvent("push", body,
                                {{"X-Hub-Signature-256", GithubSignatureHeader(kSecret, body)}});
  ASSERT_TRUE(event.ok());

  secrets::InMemorySecretStore secrets;
  Status no_secret = VerifyTriggerSignature(t, *event, body, secrets);
  EXPECT_EQ(no_secret.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(no_secret.message().find("github_hook"), std::string::npos);

  ASSERT_TRUE(secrets.Set("github_hook", kSecret).ok());
  EXPECT_TRUE(VerifyTriggerSignature(t, *event, body, secrets).ok());
  EXPECT_EQ(VerifyTriggerSignature(t, *event, body + " ", secrets).code(),
            StatusCode::kPermissionDenied);

  Trigger unsigned_trigger = testing::MustParse(testing::GithubTrigger("Push"));
  EXPECT_TRUE(VerifyTriggerSignature(unsigned_trigger, *event, "anything", secrets).ok());
  EXPECT_EQ(SignatureStatusName(Status::Ok(), false), "not_required");
}

}  // namespace
}  // namespace sluice::triggers
