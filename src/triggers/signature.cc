// GitHub webhook signatures (signature.h): common/hash.h's HMAC, compared in
// constant time.
#include "triggers/signature.h"

#include <openssl/crypto.h>

#include <cctype>

#include "common/hash.h"
#include "common/text.h"

namespace sluice::triggers {

namespace {

constexpr std::string_view kHeader = "X-Hub-Signature-256";

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::string GithubSignatureHeader(std::string_view secret, std::string_view body) {
  return "sha256=" + HmacSha256Hex(secret, body);
}

Status VerifyGithubSignature(const std::string* header_value, std::string_view body,
                             std::string_view secret) {
  if (header_value == nullptr) {
    return Status::NotFound(
        "no " + std::string(kHeader) +
        " header: the trigger names a webhook secret, so GitHub must sign deliveries "
        "(set the same secret in the webhook's settings)");
  }
  std::string_view value = TrimAsciiSpace(*header_value);
  constexpr std::string_view kPrefix = "sha256=";
  std::string given;
  bool well_formed =
      value.size() == kPrefix.size() + 64 && value.substr(0, kPrefix.size()) == kPrefix;
  for (size_t i = kPrefix.size(); well_formed && i < value.size(); ++i) {
    well_formed = IsHex(value[i]);
    given += static_cast<char>(std::tolower(static_cast<unsigned char>(value[i])));
  }
  if (!well_formed) {
    return Status::InvalidArgument(std::string(kHeader) + " is not sha256=<64 hex digits>");
  }
  const std::string expected = HmacSha256Hex(secret, body);
  if (CRYPTO_memcmp(expected.data(), given.data(), expected.size()) != 0) {
    return Status::PermissionDenied(
        std::string(kHeader) +
        " does not match the body: the delivery was not signed with the "
        "trigger's webhook secret, or the body was changed");
  }
  return Status::Ok();
}

Status VerifyTriggerSignature(const Trigger& trigger, const WebhookEvent& event,
                              std::string_view body, const secrets::SecretStore& secrets) {
  if (trigger.webhook_secret.empty()) return Status::Ok();
  Result<std::string> secret = secrets.Get(trigger.webhook_secret);
  if (!secret.ok()) {
    return Status::FailedPrecondition("trigger \"" + trigger.identifier +
                                      "\" signs with secret \"" + trigger.webhook_secret +
                                      "\", which cannot be read: " + secret.status().message());
  }
  std::optional<std::string> header = event.Header(kHeader);
  return VerifyGithubSignature(header ? &*header : nullptr, body, *secret);
}

std::string SignatureStatusName(const Status& status, bool required) {
  if (!required) return "not_required";
  switch (status.code()) {
    case StatusCode::kOk:
      return "valid";
    case StatusCode::kNotFound:
      return "missing";
    case StatusCode::kInvalidArgument:
      return "malformed";
    case StatusCode::kPermissionDenied:
      return "invalid";
    default:
      return "error";
  }
}

}  // namespace sluice::triggers
