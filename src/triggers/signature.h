// GitHub webhook signatures (harness-semantics §8.7): X-Hub-Signature-256
// is "sha256=" followed by the lower- or upper-case hex HMAC-SHA256 of the
// raw request body, keyed with the webhook's secret.
//
// The check compares in constant time (CRYPTO_memcmp) and keeps the three
// failures apart, each a Status of its own code, so a server can record
// which it was:
//   missing    → NotFound          "no X-Hub-Signature-256 header ..."
//   malformed  → InvalidArgument   "... is not sha256=<64 hex digits>"
//   wrong      → PermissionDenied  "... does not match the body ..."
// Messages never contain the secret or the expected signature.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "secrets/secret_store.h"
#include "triggers/event.h"
#include "triggers/trigger.h"

namespace sluice::triggers {

// "sha256=<hex>": the header value GitHub sends for `body`.
std::string GithubSignatureHeader(std::string_view secret, std::string_view body);

// Checks `header_value` (nullptr: the header is absent).
Status VerifyGithubSignature(const std::string* header_value, std::string_view body,
                             std::string_view secret);

// Checks the delivery `event` (its raw `body`) against `trigger`'s signing
// secret, read from `secrets`. Ok when the trigger names no secret. A
// secret missing from the store is FailedPrecondition naming its id and
// `sluice secret set <id>`.
Status VerifyTriggerSignature(const Trigger& trigger, const WebhookEvent& event,
                              std::string_view body, const secrets::SecretStore& secrets);

// How a delivery's signature stands, as recorded in the store:
// "valid", "missing", "malformed", "invalid", "not_required", "error".
std::string SignatureStatusName(const Status& status, bool required);

}  // namespace sluice::triggers
